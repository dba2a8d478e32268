using Microsoft.Extensions.Configuration;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>sync</c>: one poll cycle per tenant and resource into the SQLite CRM; tenants run side by side.</summary>
internal static class SyncCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) =>
        RunAsync(line, CommandEnvironment.Default(), cancellationToken);

    public static Task<int> RunAsync(CommandLine line, IConfiguration configuration, TimeProvider time, TextWriter output, CancellationToken cancellationToken, Action<SyncJobOptions>? configure = null) =>
        RunAsync(line, new CommandEnvironment(configuration, time, output, configure), cancellationToken);

    public static async Task<int> RunAsync(CommandLine line, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        if (line.Flag("watch"))
        {
            throw new UsageException("'sync --watch' is not available in this build of the sample yet; run 'sync' on a schedule.");
        }

        await using var context = await CommandContext.OpenAsync(line, environment, talksToVomo: true, cancellationToken);
        var results = await Task.WhenAll(context.Tenants().Select(t => new TenantSync(context.Engine, t).RunOnceAsync(cancellationToken)));
        foreach (var run in results.SelectMany(r => r))
        {
            await context.Output.WriteLineAsync(RunText.Summary(run));
        }

        return results.Select(TenantSync.ExitCodeOf).DefaultIfEmpty(ExitCodes.Done).Max();
    }
}
