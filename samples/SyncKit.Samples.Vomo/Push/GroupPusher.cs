using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;

namespace SyncKit.Samples.Vomo.Push;

/// <summary>A group the push creates (one entry of the <c>--file</c>).</summary>
internal sealed record GroupRequest(string Name, string? Description, long? ParentId);

/// <summary>What a push did: the VOMO id of each requested name, and the names VOMO rejected.</summary>
internal sealed record GroupPushResult(IReadOnlyDictionary<string, long> Ids, IReadOnlyDictionary<string, string> Rejected);

/// <summary>
/// Creates groups in VOMO without duplicates although <c>POST /groups</c> is not idempotent and its answer can be
/// lost. Every name's first attempt is recorded before it is posted (<see cref="GroupPushLog"/>). A post that
/// fails without a definite "not created" (a lost answer, a timeout, a dropped connection, a 5xx) leaves the name
/// ambiguous: once the replica lag has passed, the groups created since the first attempt are listed and matched by
/// name, and only a name not found is posted again. A restarted push treats every name without an id the same way.
/// </summary>
internal sealed class GroupPusher(VomoClient client, GroupPushLog log, TimeProvider time, TimeSpan replicaLag, TextWriter progress)
{
    /// <summary>VOMO's clock may be behind ours; its <c>created_at</c> has whole seconds.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>How many rounds of posting and looking up before the source counts as unavailable.</summary>
    private const int MaxRounds = 8;

    // Until this process posts, the last attempt may be an earlier process's, just before it died.
    private DateTimeOffset _lastAttempt = time.GetUtcNow();

    public async Task<GroupPushResult> PushAsync(string tenant, IReadOnlyList<GroupRequest> groups, CancellationToken cancellationToken)
    {
        var entries = await log.LoadAsync(tenant, cancellationToken);
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var round = 1; ; round++)
        {
            var open = groups.Where(g => !rejected.ContainsKey(g.Name) && entries.GetValueOrDefault(g.Name)?.GroupId is null).ToList();
            var ambiguous = open.Where(g => entries.ContainsKey(g.Name)).ToList();
            if (ambiguous.Count > 0)
            {
                await LookUpAsync(tenant, ambiguous, entries, cancellationToken);
            }

            var toCreate = open.Where(g => entries.GetValueOrDefault(g.Name)?.GroupId is null).ToList();
            if (toCreate.Count == 0)
            {
                return new GroupPushResult(groups.Where(g => !rejected.ContainsKey(g.Name)).ToDictionary(g => g.Name, g => entries[g.Name].GroupId!.Value, StringComparer.Ordinal), rejected);
            }

            if (round > MaxRounds)
            {
                throw new VomoApiException(ErrorClass.Transient, $"VOMO stayed unavailable: {toCreate.Count} group(s) still not confirmed after {MaxRounds} rounds of posting and looking up.");
            }

            foreach (var group in toCreate)
            {
                await CreateAsync(tenant, group, entries, rejected, cancellationToken);
            }
        }
    }

    private async Task CreateAsync(string tenant, GroupRequest group, Dictionary<string, GroupPushEntry> entries, Dictionary<string, string> rejected, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(group.Name, out var entry))
        {
            entry = entries[group.Name] = new GroupPushEntry(time.GetUtcNow(), null);
            await log.StartAttemptAsync(tenant, group.Name, entry.FirstAttemptAt, cancellationToken);
        }

        while (true)
        {
            _lastAttempt = time.GetUtcNow();
            try
            {
                var created = await client.CreateGroupAsync(new VomoGroupDraft(group.Name, group.Description, group.ParentId), cancellationToken);
                await RecordAsync(tenant, group.Name, created.Id, "created", entries, cancellationToken);
                return;
            }
            catch (VomoApiException ex) when (ex.ErrorClass == ErrorClass.RateLimited)
            {
                // Refused before anything was created: wait as told and post again.
                await Task.Delay(ex.RetryAfter ?? TimeSpan.FromSeconds(1), time, cancellationToken);
            }
            catch (VomoApiException ex) when (ex.ErrorClass is ErrorClass.Validation)
            {
                rejected[group.Name] = ex.Message;
                await progress.WriteLineAsync($"rejected {group.Name}: {ex.Message}");
                return;
            }
            catch (VomoApiException ex) when (!ex.ErrorClass.StopsJob())
            {
                // The group may exist: the next round looks it up before posting again.
                await progress.WriteLineAsync($"unsure   {group.Name}: {ex.Message} (looking it up before posting again)");
                return;
            }
        }
    }

    /// <summary>Looks the ambiguous names up among the groups created since the earliest first attempt, once the replica lag has passed.</summary>
    private async Task LookUpAsync(string tenant, List<GroupRequest> ambiguous, Dictionary<string, GroupPushEntry> entries, CancellationToken cancellationToken)
    {
        var visibleAt = _lastAttempt + replicaLag;
        var now = time.GetUtcNow();
        if (visibleAt > now)
        {
            await Task.Delay(visibleAt - now, time, cancellationToken);
        }

        var since = ambiguous.Min(g => entries[g.Name].FirstAttemptAt);
        since = new DateTimeOffset(since.UtcTicks - (since.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero) - ClockSkew;
        var created = await FullListing.ReadAsync(client, VomoResources.Groups, new VomoListQuery(CreatedAfter: since), cancellationToken);
        var byName = created.ToLookup(g => g.Name, StringComparer.Ordinal);
        foreach (var group in ambiguous)
        {
            var matches = byName[group.Name].Where(g => g.CreatedAt >= since).OrderBy(g => g.Id).ToList();
            if (matches.Count > 0)
            {
                await RecordAsync(tenant, group.Name, matches[0].Id, matches.Count == 1 ? "found" : $"found {matches.Count}x", entries, cancellationToken);
            }
        }
    }

    private async Task RecordAsync(string tenant, string name, long id, string how, Dictionary<string, GroupPushEntry> entries, CancellationToken cancellationToken)
    {
        await log.RecordCreatedAsync(tenant, name, id, cancellationToken);
        entries[name] = entries[name] with { GroupId = id };
        await progress.WriteLineAsync($"{how,-8} {name} -> group {id.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
