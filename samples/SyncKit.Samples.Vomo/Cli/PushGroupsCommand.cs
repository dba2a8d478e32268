using System.Text.Json;
using System.Text.Json.Serialization;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Push;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>push-groups --tenant T --file groups.json</c>: creates in VOMO the groups the file lists
/// (<c>[{"name", "description", "parent_id"}]</c>), one per name, without duplicates even when an answer is lost
/// or the process is killed (see <see cref="GroupPusher"/>). The wait before looking a group up is VOMO's replica
/// lag, <c>Vomo:ReplicaLag</c> in the configuration.
/// </summary>
internal static class PushGroupsCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var groups = await ReadFileAsync(input.File ?? throw new UsageException("'push-groups' needs --file groups.json."), cancellationToken);
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: true, cancellationToken);
        var tenant = context.RequiredTenant();
        var pusher = new GroupPusher(context.Wiring.Client(tenant), new GroupPushLog(context.Crm), context.Time, context.Tuning.ReplicaLag, context.Output);
        try
        {
            var result = await pusher.PushAsync(tenant, groups, cancellationToken);
            await context.Output.WriteLineAsync($"{result.Ids.Count} group(s) in VOMO for {groups.Count} requested, {result.Rejected.Count} rejected.");
            return ExitCodes.Done;
        }
        catch (VomoApiException ex)
        {
            await context.Output.WriteLineAsync($"{tenant}: {ex.Message}");
            return ex.ErrorClass.StopsJob() ? ExitCodes.AccessDenied : ExitCodes.SourceUnavailable;
        }
    }

    private static async Task<IReadOnlyList<GroupRequest>> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        GroupFileEntry[]? entries;
        try
        {
            await using var file = File.OpenRead(path);
            entries = await JsonSerializer.DeserializeAsync(file, PushJsonContext.Default.GroupFileEntryArray, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"'--file {path}' cannot be read: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw new UsageException($"'--file {path}' is not a JSON array of {{\"name\", \"description\", \"parent_id\"}}: {ex.Message}");
        }

        var groups = (entries ?? []).Select((e, i) => string.IsNullOrWhiteSpace(e?.Name)
            ? throw new UsageException($"'--file {path}': group {i + 1} has no name.")
            : new GroupRequest(e.Name, e.Description, e.ParentId)).ToList();
        if (groups.GroupBy(g => g.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new UsageException($"'--file {path}' lists the group '{repeated.Key}' more than once; the push creates one group per name.");
        }

        return groups;
    }
}

/// <summary>One entry of the <c>--file</c>.</summary>
internal sealed record GroupFileEntry(string? Name, string? Description, long? ParentId);

/// <summary>Source-generated JSON for the <c>--file</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(GroupFileEntry[]))]
internal sealed partial class PushJsonContext : JsonSerializerContext;
