using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>Authenticates the token, spends its request budget and draws the request's fault, in that order.</summary>
internal sealed class SimulatorMiddleware(
    IReadOnlyDictionary<string, SimulatedTenant> tenantsByToken,
    RateLimitOptions? rateLimit,
    FaultPlan faults,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // The server's clock is the simulator's, as its timestamps are: clients may compare the two.
        context.Response.Headers.Date = time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        if (token is null || !tenantsByToken.TryGetValue(token, out var tenant) || tenant.TokenState == TokenState.Revoked)
        {
            await SimResponse.MessageAsync(context, StatusCodes.Status401Unauthorized, "Unauthenticated.");
            return;
        }

        if (tenant.TokenState == TokenState.Forbidden)
        {
            await SimResponse.MessageAsync(context, StatusCodes.Status403Forbidden, "This action is unauthorized.");
            return;
        }

        if (rateLimit is not null && !_buckets.GetOrAdd(token, _ => new TokenBucket(rateLimit, time)).TryTake(out var retryAfter))
        {
            await SimResponse.MessageAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Attempts.", retryAfter);
            return;
        }

        var fault = faults.Decide(token, context.Request.Method, context.Request.Path + context.Request.QueryString);
        switch (fault)
        {
            case SimFault.ServerError:
                await SimResponse.MessageAsync(context, StatusCodes.Status500InternalServerError, "Server Error");
                return;
            case SimFault.Unavailable:
                await SimResponse.MessageAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable");
                return;
            case SimFault.UnavailableWithRetryAfter:
                await SimResponse.MessageAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", TimeSpan.FromSeconds(1));
                return;
            case SimFault.Slow:
                await Task.Delay(faults.Options.SlowResponseDelay, time, context.RequestAborted);
                break;
        }

        context.Items[typeof(SimRequest)] = new SimRequest(tenant, fault);
        await next(context);
    }
}
