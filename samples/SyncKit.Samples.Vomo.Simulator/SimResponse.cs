using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>What the simulator decided about one request before its endpoint runs.</summary>
internal sealed class SimRequest(SimulatedTenant tenant, SimFault fault)
{
    public SimulatedTenant Tenant { get; } = tenant;

    public SimFault Fault { get; } = fault;

    public static SimRequest Of(HttpContext context) => (SimRequest)context.Items[typeof(SimRequest)]!;
}

/// <summary>Writes responses, dropping the connection half-way through the body when the request drew that fault.</summary>
internal static class SimResponse
{
    public static async Task WriteAsync(HttpContext context, int status, byte[]? body, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (body is null)
        {
            return;
        }

        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        var drop = context.Items.TryGetValue(typeof(SimRequest), out var state) && ((SimRequest)state!).Fault == SimFault.DropConnection;
        if (!drop)
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        await response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        context.Abort();
    }

    public static Task MessageAsync(HttpContext context, int status, string message, TimeSpan? retryAfter = null) =>
        WriteAsync(context, status, SimJson.Message(message), retryAfter);

    public static Task NotFoundAsync(HttpContext context) => MessageAsync(context, StatusCodes.Status404NotFound, "Not found.");

    public static Task InvalidAsync(HttpContext context, IReadOnlyDictionary<string, string> errors) =>
        WriteAsync(context, StatusCodes.Status422UnprocessableEntity, SimJson.Invalid(errors));
}
