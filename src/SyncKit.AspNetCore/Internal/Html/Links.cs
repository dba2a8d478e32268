namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>The dashboard's URLs under the prefix it is mapped at.</summary>
/// <param name="Root">The request's path base plus the prefix, without a trailing slash.</param>
internal sealed record Links(string Root)
{
    public string Overview => Root + "/";

    /// <summary>The overview with a filter, from the row after <paramref name="after"/>; the default page size is left out.</summary>
    public string FilteredOverview(OverviewFilter filter, string? after) =>
        Overview + Query(
            ("state", filter.State?.ToString()),
            ("q", filter.Query),
            ("after", after),
            ("limit", filter.Limit == OverviewFilter.DefaultLimit ? null : filter.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public string Tenant(string tenant) => $"{Root}/tenants/{Uri.EscapeDataString(tenant)}";

    /// <summary>A job's row on its tenant's page.</summary>
    public string Job(JobId job) => $"{Tenant(job.Tenant)}#{JobAnchor(job.Stream)}";

    public string Run(string runId, long? auditAfter = null) =>
        $"{Root}/runs/{Uri.EscapeDataString(runId)}" + Query(("after", auditAfter?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public string DeadLetters(string? tenant = null, string? stream = null) =>
        Root + "/dead-letters" + Query(("tenant", tenant), ("stream", stream));

    public string Replay(JobId? job = null) => Root + "/replay" + Query(("job", job is { } j ? JobKey(j) : null));

    public string Action(string name) => $"{Root}/{name}";

    /// <summary>The id of a job's row on its tenant's page.</summary>
    public static string JobAnchor(string stream) => "job-" + Uri.EscapeDataString(stream);

    /// <summary>One form value naming a job: tenant and stream escaped, so a slash inside either stays unambiguous.</summary>
    public static string JobKey(JobId job) => $"{Uri.EscapeDataString(job.Tenant)}/{Uri.EscapeDataString(job.Stream)}";

    /// <summary>
    /// A name as a route value holds it: links escape every name, and the server decodes every escape in the path
    /// except <c>%2F</c>, which it leaves as is so that it stays apart from a path separator. Decoding that here
    /// makes a tenant or stream named with a slash reachable at its own link.
    /// </summary>
    public static string FromRoute(string value) =>
        value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    public static bool TryParseJobKey(string? key, out JobId job)
    {
        var parts = key?.Split('/') ?? [];
        job = parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? new JobId(Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : default;
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0;
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var set = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? string.Empty : "?" + string.Join('&', set);
    }
}
