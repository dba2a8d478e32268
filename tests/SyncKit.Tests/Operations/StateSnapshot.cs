using System.Text.Json;
using SyncKit.Testing;

namespace SyncKit.Tests.Operations;

/// <summary>
/// Serializes everything a store and a destination hold for a set of jobs and record keys, through their public
/// interfaces, so a test can assert that an operation left them byte-identical.
/// </summary>
internal static class StateSnapshot
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static async Task<string> OfAsync(ISyncStateStore store, IEnumerable<JobId> jobs, IEnumerable<string> recordKeys)
    {
        var keys = recordKeys.Order(StringComparer.Ordinal).ToList();
        var snapshot = new List<object?>();
        foreach (var job in jobs)
        {
            snapshot.Add(await store.Checkpoints.GetAsync(job, default));
            snapshot.Add(await store.Runs.QueryRunsAsync(RunQuery.ForJob(job) with { Limit = int.MaxValue }, default));
            snapshot.Add(await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(job) with { Limit = int.MaxValue }, default));
            foreach (var key in keys)
            {
                snapshot.Add(await store.Runs.GetAuditAsync(job, key, default));
            }

            snapshot.Add(await store.Dedup.GetCompletedAsync(job.ToString(), keys, default));
        }

        return JsonSerializer.Serialize(snapshot, Options);
    }

    public static string Of<T>(CollectingDestination<T> destination) =>
        JsonSerializer.Serialize(
            new
            {
                Rows = destination.Rows.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
                Deleted = destination.DeletedKeys.Order(StringComparer.Ordinal).ToList(),
                Deliveries = destination.Deliveries.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
            },
            Options);
}
