using System.Net;
using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// Reads the members of the groups of one window page, one request per call, then yields the page's group
/// records with their members. Members are an offset list too: a list longer than one page is read again
/// until two complete reads agree (at most <see cref="MaxReads"/>).
/// </summary>
internal sealed class MemberReads(WindowPage<VomoGroup> page)
{
    private const int MaxReads = 3;
    private readonly List<SourceRecord<VomoGroupRecord>> _records = new(page.Records.Count);
    private readonly List<long> _current = [];
    private List<long>? _previous;
    private int _group;
    private int _page = 1;
    private int _reads;

    /// <summary>The window page whose groups these are.</summary>
    public WindowPage<VomoGroup> WindowPage => page;

    /// <summary>The group records with their members, once <see cref="ReadNextAsync"/> returned <see langword="true"/>.</summary>
    public IReadOnlyList<SourceRecord<VomoGroupRecord>> Records => _records;

    /// <summary>Makes one members request; returns whether every group of the page has its members now.</summary>
    public async ValueTask<bool> ReadNextAsync(VomoClient client, JobId job, ILogger logger, CancellationToken cancellationToken)
    {
        var group = page.Records[_group];
        VomoPage<VomoUser> members;
        try
        {
            members = await client.ListGroupMembersAsync(group.Value.Id, _page, cancellationToken).ConfigureAwait(false);
        }
        catch (VomoApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted since the list showed it: reconciliation soft-deletes it if it had been synced before.
            Log.GroupVanished(logger, job.Tenant, group.Value.Id);
            return NextGroup();
        }

        _current.AddRange(members.Data.Select(u => u.Id));
        if (!PageBounds.IsLast(members, _page))
        {
            _page++;
            return false;
        }

        _reads++;
        var ids = _current.Distinct().Order().ToList();
        if (_page == 1 || (_previous?.SequenceEqual(ids) ?? false) || _reads >= MaxReads)
        {
            _records.Add(new SourceRecord<VomoGroupRecord>(group.Key, group.Position, new VomoGroupRecord(group.Value, ids)));
            return NextGroup();
        }

        _previous = ids;
        _current.Clear();
        _page = 1;
        return false;
    }

    private bool NextGroup()
    {
        _group++;
        _current.Clear();
        _previous = null;
        _page = 1;
        _reads = 0;
        return _group == page.Records.Count;
    }
}
