using System.Collections.Immutable;
using System.Globalization;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>Whether a tenant's token is accepted.</summary>
public enum TokenState
{
    /// <summary>Requests are served.</summary>
    Active,

    /// <summary>Requests are answered <c>401</c>.</summary>
    Revoked,

    /// <summary>Requests are answered <c>403</c>.</summary>
    Forbidden,
}

/// <summary>
/// One simulated VOMO organization: its users, projects, groups and memberships, every write stamped with a
/// whole-second <c>updated_at</c> and shown to reads only after its own replica lag. Thread-safe.
/// </summary>
public sealed class SimulatedTenant
{
    private readonly Lock _sync = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxLag;
    private readonly Random _random;
    private readonly VersionedTable<SimUser> _users = new();
    private readonly VersionedTable<SimProject> _projects = new();
    private readonly VersionedTable<SimGroup> _groups = new();
    private readonly VersionedTable<ImmutableSortedSet<long>> _members = new();
    private readonly IdPool _userIds = new();
    private readonly IdPool _projectIds = new();
    private readonly IdPool _groupIds = new();
    private readonly Dictionary<string, long> _emails = new(StringComparer.OrdinalIgnoreCase);
    private long _nextId;

    internal SimulatedTenant(int index, TenantOptions options, int seed, TimeSpan maxLag, TimeProvider time)
    {
        Name = options.Name;
        _time = time;
        _maxLag = maxLag;
        _random = new Random(unchecked((int)StableHash.Of(seed, "data", options.Name)));
        Token = options.Token ?? $"vomo_{options.Name}_{StableHash.Of(seed, "token", options.Name):x16}";
        _nextId = (index + 1) * 1_000_000L;
        Seed(options);
    }

    /// <summary>The tenant's name.</summary>
    public string Name { get; }

    /// <summary>The tenant's API token.</summary>
    public string Token { get; }

    /// <summary>Whether the token is accepted; set it to revoke or forbid access.</summary>
    public TokenState TokenState { get; set; }

    internal Random Random => _random;

    /// <summary>The users the primary holds now (no replica lag).</summary>
    public IReadOnlyList<SimUser> Users() => Locked(() => _users.CurrentRows().OrderBy(u => u.Id).ToList());

    /// <summary>The projects the primary holds now.</summary>
    public IReadOnlyList<SimProject> Projects() => Locked(() => _projects.CurrentRows().OrderBy(p => p.Id).ToList());

    /// <summary>The groups the primary holds now.</summary>
    public IReadOnlyList<SimGroup> Groups() => Locked(() => _groups.CurrentRows().OrderBy(g => g.Id).ToList());

    /// <summary>A group's members the primary holds now (users that left the organization drop out).</summary>
    public IReadOnlyList<long> Members(long groupId) => Locked(() =>
        (_members.Current(groupId) ?? []).Where(id => _users.Current(id) is not null).ToList());

    /// <summary>Creates <paramref name="count"/> users in one bulk import: they all share one <c>updated_at</c> second.</summary>
    public IReadOnlyList<SimUser> ImportUsers(int count) => Locked(() =>
    {
        var (stamp, _) = Now();
        return Enumerable.Range(0, count).Select(_ => AddUser(NewUser(NextId(), stamp), Lag())).ToList();
    });

    /// <summary>Changes a user (a new <c>updated_at</c>); <see langword="null"/> when it is gone.</summary>
    public SimUser? UpdateUser(long id, Func<SimUser, SimUser>? change = null) => Locked(() =>
    {
        if (_users.Current(id) is not { } user)
        {
            return null;
        }

        var (stamp, _) = Now();
        var changed = (change ?? (u => u with { Phone = FakeNames.Phone(_random) }))(user) with { Id = id, UpdatedAt = stamp };
        _emails.Remove(user.Email);
        _emails[changed.Email] = id;
        _users.Write(id, changed, Lag());
        return changed;
    });

    /// <summary>Removes a user from the organization: it vanishes from lists and its lookup answers <c>404</c>.</summary>
    public bool RemoveUser(long id) => Locked(() =>
    {
        if (_users.Current(id) is not { } user)
        {
            return false;
        }

        _emails.Remove(user.Email);
        _userIds.Remove(id);
        _users.Write(id, null, Lag());
        return true;
    });

    /// <summary>Creates or updates the user with this e-mail (case-insensitive), as <c>POST /users</c> does.</summary>
    internal (SimUser User, bool Created) UpsertUser(string firstName, string lastName, string email, DateOnly birthday, string gender, string? phone, string? role) => Locked(() =>
    {
        var (stamp, _) = Now();
        if (_emails.TryGetValue(email, out var id) && _users.Current(id) is { } existing)
        {
            var updated = existing with
            {
                FirstName = firstName, LastName = lastName, Email = email, Birthday = birthday, Gender = gender,
                Phone = phone ?? existing.Phone, MembershipRole = role ?? existing.MembershipRole, UpdatedAt = stamp,
            };
            _emails.Remove(existing.Email);
            _emails[email] = id;
            _users.Write(id, updated, Lag());
            return (updated, false);
        }

        var user = new SimUser(NextId(), firstName, lastName, email, null, phone, birthday, gender, "VERIFIED", "PENDING", role ?? "VOLUNTEER", stamp, stamp);
        return (AddUser(user, Lag()), true);
    });

    /// <summary>Changes a project; <see langword="null"/> when it is gone.</summary>
    public SimProject? UpdateProject(long id, Func<SimProject, SimProject>? change = null) => Locked(() =>
    {
        if (_projects.Current(id) is not { } project)
        {
            return null;
        }

        var (stamp, _) = Now();
        var changed = (change ?? (p => p with { Published = !p.Published }))(project) with { Id = id, UpdatedAt = stamp };
        _projects.Write(id, changed, Lag());
        return changed;
    });

    /// <summary>Deletes a project: it vanishes.</summary>
    public bool DeleteProject(long id) => Locked(() =>
    {
        if (_projects.Current(id) is null)
        {
            return false;
        }

        _projectIds.Remove(id);
        _projects.Write(id, null, Lag());
        return true;
    });

    /// <summary>Creates a group, as <c>POST /groups</c> does (names need not be unique).</summary>
    internal SimGroup CreateGroup(string name, string? description, long? parentId, IEnumerable<long> members) => Locked(() =>
    {
        var (stamp, _) = Now();
        var group = new SimGroup(NextId(), name, description, parentId, stamp, stamp);
        return AddGroup(group, members, Lag());
    });

    /// <summary>Replaces a group's own fields, as <c>PUT /groups/{id}</c> does; <see langword="null"/> when it is gone.</summary>
    internal SimGroup? ReplaceGroup(long id, string name, string? description, long? parentId) => Locked(() =>
    {
        if (_groups.Current(id) is not { } group)
        {
            return null;
        }

        var (stamp, _) = Now();
        var replaced = group with { Name = name, Description = description, ParentId = parentId, UpdatedAt = stamp };
        _groups.Write(id, replaced, Lag());
        return replaced;
    });

    /// <summary>Replaces a group's members. The group's <c>updated_at</c> does not move.</summary>
    public bool ReplaceMembers(long groupId, IEnumerable<long> members) => Locked(() =>
    {
        if (_groups.Current(groupId) is null)
        {
            return false;
        }

        _members.Write(groupId, [.. members], Lag());
        return true;
    });

    /// <summary>Deletes a group: it vanishes.</summary>
    public bool DeleteGroup(long id) => Locked(() =>
    {
        if (_groups.Current(id) is null)
        {
            return false;
        }

        _groupIds.Remove(id);
        _groups.Write(id, null, Lag());
        _members.Write(id, null, Lag());
        return true;
    });

    /// <summary>The users a replica shows, in list order <c>(updated_at, id)</c>.</summary>
    internal IReadOnlyList<SimUser> ListedUsers() => Locked(() => _users.Listed(Now().Instant, u => (u.UpdatedAt, u.Id)));

    /// <summary>The projects a replica shows, in list order <c>(updated_at, id)</c>.</summary>
    internal IReadOnlyList<SimProject> ListedProjects() => Locked(() => _projects.Listed(Now().Instant, p => (p.UpdatedAt, p.Id)));

    /// <summary>The groups a replica shows, in list order <c>(updated_at, id)</c>.</summary>
    internal IReadOnlyList<SimGroup> ListedGroups() => Locked(() => _groups.Listed(Now().Instant, g => (g.UpdatedAt, g.Id)));

    internal SimUser? VisibleUser(long id) => Locked(() => _users.Visible(id, Now().Instant));

    internal SimProject? VisibleProject(long id) => Locked(() => _projects.Visible(id, Now().Instant));

    internal SimGroup? VisibleGroup(long id) => Locked(() => _groups.Visible(id, Now().Instant));

    /// <summary>A group's members as a replica shows them, or <see langword="null"/> when the group is not visible.</summary>
    internal IReadOnlyList<SimUser>? VisibleMembers(long groupId) => Locked(() =>
    {
        var now = Now().Instant;
        if (_groups.Visible(groupId, now) is null)
        {
            return null;
        }

        return (_members.Visible(groupId, now) ?? []).Select(id => _users.Visible(id, now)).OfType<SimUser>().ToList();
    });

    internal bool HasSubgroups(long groupId) => Locked(() =>
        _groups.VisibleRows(Now().Instant).Any(g => g.ParentId == groupId));

    /// <summary>Applies one random change, as the live generator does.</summary>
    internal void ApplyRandomChange() => Locked(() => RandomChange.Apply(this));

    internal bool TryPickUser(out long id) => _userIds.TryPick(_random, out id);

    internal bool TryPickProject(out long id) => _projectIds.TryPick(_random, out id);

    internal bool TryPickGroup(out long id) => _groupIds.TryPick(_random, out id);

    internal SimUser NewUser(long id, DateTimeOffset stamp)
    {
        var first = FakeNames.FirstName(_random);
        var last = FakeNames.LastName(_random);
        var status = _random.NextDouble() switch
        {
            < 0.8 => "ACCEPTED",
            < 0.97 => "PENDING",
            _ => "BANNED",
        };
        return new SimUser(
            id,
            first,
            last,
            string.Create(CultureInfo.InvariantCulture, $"{first}.{last}.{id}@example.org").ToLowerInvariant(),
            _random.NextDouble() < 0.7 ? FakeNames.Address(_random) : null,
            _random.NextDouble() < 0.8 ? FakeNames.Phone(_random) : null,
            new DateOnly(1950, 1, 1).AddDays(_random.Next(0, 20_000)),
            "MFN"[_random.Next(3)].ToString(),
            "VERIFIED",
            status,
            _random.NextDouble() < 0.9 ? "VOLUNTEER" : "COORDINATOR",
            stamp,
            stamp);
    }

    internal SimUser AddUser(SimUser user, DateTimeOffset visibleAt)
    {
        _users.Write(user.Id, user, visibleAt);
        _userIds.Add(user.Id);
        _emails[user.Email] = user.Id;
        return user;
    }

    internal SimProject AddProject(SimProject project, DateTimeOffset visibleAt)
    {
        _projects.Write(project.Id, project, visibleAt);
        _projectIds.Add(project.Id);
        return project;
    }

    internal SimGroup AddGroup(SimGroup group, IEnumerable<long> members, DateTimeOffset visibleAt)
    {
        _groups.Write(group.Id, group, visibleAt);
        _members.Write(group.Id, [.. members], visibleAt);
        _groupIds.Add(group.Id);
        return group;
    }

    internal SimProject NewProject(long id, DateTimeOffset stamp) => new(
        id,
        $"{FakeNames.Cause(_random)} #{id % 1000}",
        $"Help out at the {FakeNames.Cause(_random).ToLowerInvariant()}.",
        _random.NextDouble() < 0.7 ? "dated" : "anytime",
        _random.NextDouble() < 0.8,
        _random.NextDouble() < 0.9,
        stamp,
        stamp);

    internal IEnumerable<long> RandomMembers(int count)
    {
        var members = new HashSet<long>();
        for (var i = 0; i < count && _userIds.Count > 0; i++)
        {
            if (_userIds.TryPick(_random, out var id))
            {
                members.Add(id);
            }
        }

        return members;
    }

    internal long? CurrentGroupParent(long groupId) => _groups.Current(groupId)?.ParentId;

    internal ImmutableSortedSet<long> CurrentMemberSet(long groupId) => _members.Current(groupId) ?? [];

    internal long NextId() => ++_nextId;

    /// <summary>The instant now, and its whole-second stamp (VOMO's timestamps carry no fractions).</summary>
    internal (DateTimeOffset Stamp, DateTimeOffset Instant) Now()
    {
        var now = _time.GetUtcNow().ToUniversalTime();
        return (new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero), now);
    }

    /// <summary>When a write made now becomes visible: each write draws its own lag.</summary>
    internal DateTimeOffset Lag() => Now().Instant + _maxLag * _random.NextDouble();

    private void Seed(TenantOptions options)
    {
        var (now, _) = Now();
        var importedAt = now.AddDays(-2);
        for (var i = 0; i < options.Users; i++)
        {
            var stamp = _random.NextDouble() < options.BulkImportShare ? importedAt : now.AddSeconds(-_random.Next(3_600, 30 * 86_400));
            AddUser(NewUser(NextId(), stamp), DateTimeOffset.MinValue);
        }

        for (var i = 0; i < options.Projects; i++)
        {
            AddProject(NewProject(NextId(), now.AddSeconds(-_random.Next(3_600, 30 * 86_400))), DateTimeOffset.MinValue);
        }

        for (var i = 0; i < options.Groups; i++)
        {
            long? parent = i > 3 && _random.NextDouble() < 0.3 && _groupIds.TryPick(_random, out var p) ? p : null;
            var group = new SimGroup(NextId(), $"{FakeNames.Cause(_random)} Team", "A volunteer team.", parent, now.AddDays(-3), now.AddDays(-3));
            AddGroup(group, RandomMembers(_random.Next(0, 40)), DateTimeOffset.MinValue);
        }
    }

    private TResult Locked<TResult>(Func<TResult> action)
    {
        lock (_sync)
        {
            return action();
        }
    }

    private void Locked(Action action)
    {
        lock (_sync)
        {
            action();
        }
    }
}
