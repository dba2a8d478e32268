using System.Runtime.CompilerServices;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;

namespace SyncKit.Samples.Vomo.Tests.Connector;

/// <summary>One window's passes, page by page: what a pass hands on again, and what the window keeps of what it handed on.</summary>
public sealed class WindowSessionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _http = new();
    private readonly WindowSession<VomoUser> _session;

    public WindowSessionTests()
    {
        var client = new VomoClient(_http, new VomoConnection("token", new Uri("http://vomo.invalid/v1/")));
        _session = WindowSession<VomoUser>.Open(null, TimeSpan.Zero, lower => new PageReadAhead<VomoUser>(client, VomoResources.Users, new VomoListQuery(UpdatedAfter: lower), 0));
    }

    [Fact]
    public void Take_LaterPassesOfOneWindow_HandOnOnlyTheVersionsNotHandedOnBefore()
    {
        var users = Enumerable.Range(1, 3).Select(User).ToList();
        _session.Take(Page(users), VomoResources.Users).Should().HaveCount(3);
        NextPass();

        // A field changed without its timestamp moving (a late replica): only its content tells the versions apart.
        var changed = users[1] with { Phone = "+1 555 0000000" };
        var second = _session.Take(Page([users[0], changed, users[2]]), VomoResources.Users);
        NextPass();
        var third = _session.Take(Page([users[0], changed, users[2]]), VomoResources.Users);

        second.Select(r => r.Value).Should().Equal(changed);
        third.Should().BeEmpty("every version this pass shows was handed on before");
        _session.Seen.Should().HaveCount(3);
    }

    [Fact]
    public void Take_HandedOnItems_AreNotKeptAliveByTheWindow()
    {
        var handedOn = TakeAndDrop(15);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The first window holds an entry per record of the tenant: a fingerprint of each, never the item itself.
        handedOn.Should().OnlyContain(item => !item.IsAlive);
        _session.Seen.Should().HaveCount(15);
    }

    public void Dispose()
    {
        _session.Pages.Dispose();
        _http.Dispose();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private List<WeakReference> TakeAndDrop(int count)
    {
        var users = Enumerable.Range(1, count).Select(User).ToList();
        _session.Take(Page(users), VomoResources.Users);
        return [.. users.Select(u => new WeakReference(u))];
    }

    private void NextPass()
    {
        _session.EndPass(TimeSpan.Zero, heldStill: false);
        _session.NextPass();
    }

    private static VomoUser User(int id) => new()
    {
        Id = id,
        FirstName = "Ada",
        LastName = $"Number{id}",
        Email = $"ada{id}@example.org",
        Phone = $"+1 555 {id:0000000}",
        CreatedAt = T0,
        UpdatedAt = T0.AddSeconds(id),
    };

    private static VomoPage<VomoUser> Page(IReadOnlyList<VomoUser> users) => new()
    {
        Data = users,
        Links = new VomoLinks(),
        Meta = new VomoMeta { CurrentPage = 1, LastPage = 1, PerPage = 15, Total = users.Count },
    };
}
