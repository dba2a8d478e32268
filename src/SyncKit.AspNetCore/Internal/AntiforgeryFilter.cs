using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// Refuses an action without a valid antiforgery token: in the form field for the pages' forms, in the header for
/// the JSON API (the cookie comes with either). Validated here rather than by the antiforgery middleware, which
/// checks form posts only.
/// </summary>
internal sealed class AntiforgeryFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException exception)
        {
            var logger = http.RequestServices.GetRequiredService<ILogger<AntiforgeryFilter>>();
            Log.AntiforgeryRefused(logger, http.Request.Method, http.Request.Path, Actor.Of(http), exception.Message);
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Antiforgery token missing or invalid",
                detail: "SyncKit dashboard actions need the antiforgery token: the pages' forms carry it; API clients get it from GET api/antiforgery and send it in the header it names, with the cookie it sets.");
        }

        return await next(context).ConfigureAwait(false);
    }
}
