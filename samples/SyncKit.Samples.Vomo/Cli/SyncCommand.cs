using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>sync</c>: one poll cycle per tenant and resource into the CRM (SQLite or PostgreSQL); tenants run side by side.</summary>
internal static class SyncCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) =>
        RunAsync(line, Configuration(), TimeProvider.System, Console.Out, cancellationToken);

    public static async Task<int> RunAsync(CommandLine line, IConfiguration configuration, TimeProvider time, TextWriter output, CancellationToken cancellationToken, Action<SyncJobOptions>? configure = null)
    {
        var settings = SampleSettings.Resolve(line, configuration);
        if (line.Flag("watch"))
        {
            throw new UsageException("'sync --watch' is not available in this build of the sample yet; run 'sync' on a schedule.");
        }

        if (settings.VomoUrl is null || settings.Tenants.Count == 0)
        {
            throw new UsageException("'sync' needs --vomo-url URL and at least one --token NAME=TOKEN (or Vomo:Url and Vomo:Tokens in appsettings.json).");
        }

        await using var crm = settings.PostgresConnectionString is { } postgres
            ? await CrmDatabase.OpenPostgresAsync(postgres, time, cancellationToken)
            : await CrmDatabase.OpenSqliteAsync(settings.SqlitePath!, time, cancellationToken);
        var engine = new SyncEngine(crm.Store, time);
        using var http = new HttpClient();
        var tenants = settings.Tenants
            .Select(t => new TenantSync(engine, crm, t, new VomoClient(http, new VomoConnection(settings.Tokens[t], settings.VomoUrl) { RequestTimeout = TimeSpan.FromSeconds(10) }, time), time, configure))
            .ToList();

        (string Tenant, IReadOnlyList<RunRecord> Runs)[] results;
        try
        {
            results = await Task.WhenAll(tenants.Select(async t => (t.Tenant, await t.RunOnceAsync(cancellationToken))));
        }
        finally
        {
            tenants.ForEach(t => t.Dispose());
        }

        foreach (var (_, runs) in results)
        {
            foreach (var run in runs)
            {
                var counts = run.Counts;
                await output.WriteLineAsync($"{run.Job,-22} {run.Outcome,-24} read {counts.Read,6}  written {counts.Written,6}  skipped {counts.Skipped,6}  retried {counts.Retried,4}  dead-lettered {counts.DeadLettered,4}{(run.Error is null ? string.Empty : $"  {run.Error}")}");
            }
        }

        return results.Select(r => TenantSync.ExitCodeOf(r.Runs)).DefaultIfEmpty(ExitCodes.Done).Max();
    }

    private static IConfiguration Configuration() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
}
