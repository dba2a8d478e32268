using System.Text.Json.Serialization;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>A VOMO user (a volunteer in the organization). Status fields keep whatever value VOMO sends.</summary>
public sealed record VomoUser
{
    /// <summary>VOMO's id.</summary>
    public required long Id { get; init; }

    /// <summary>First name.</summary>
    public string? FirstName { get; init; }

    /// <summary>Last name.</summary>
    public string? LastName { get; init; }

    /// <summary>Full name.</summary>
    public string? FullName { get; init; }

    /// <summary>E-mail (VOMO's upsert key, case-insensitive).</summary>
    public string? Email { get; init; }

    /// <summary>Postal address.</summary>
    public string? Address { get; init; }

    /// <summary>Phone number.</summary>
    public string? Phone { get; init; }

    /// <summary>Birthday as VOMO sends it (<c>YYYY-MM-DD</c>), kept as text so an odd value never fails a page.</summary>
    public string? Birthday { get; init; }

    /// <summary>Gender (<c>M</c>, <c>F</c>, <c>N</c>).</summary>
    public string? Gender { get; init; }

    /// <summary>Account status, e.g. <c>VERIFIED</c>.</summary>
    public string? UserStatus { get; init; }

    /// <summary>Membership status, e.g. <c>ACCEPTED</c>, <c>PENDING</c>, <c>BANNED</c>.</summary>
    public string? MembershipStatus { get; init; }

    /// <summary>Membership role, e.g. <c>VOLUNTEER</c>.</summary>
    public string? MembershipRole { get; init; }

    /// <summary>When the user was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the user last changed (whole seconds).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A VOMO project.</summary>
public sealed record VomoProject
{
    /// <summary>VOMO's id.</summary>
    public required long Id { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary><c>dated</c> or <c>anytime</c> (kept as sent).</summary>
    public string? ProjectType { get; init; }

    /// <summary>Whether it is published.</summary>
    public bool Published { get; init; }

    /// <summary>Whether it is active.</summary>
    public bool Active { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A VOMO group. Names are not unique.</summary>
public sealed record VomoGroup
{
    /// <summary>VOMO's id.</summary>
    public required long Id { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Whether it has subgroups.</summary>
    public bool HasSubgroups { get; init; }

    /// <summary>The parent group's id; <see langword="null"/> at top level.</summary>
    public long? ParentId { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its own fields last changed (membership changes do not move it).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A group with its members as read through <c>GET /groups/{id}/members</c>.</summary>
/// <param name="Group">The group.</param>
/// <param name="MemberIds">The members' user ids, ascending.</param>
public sealed record VomoGroupRecord(VomoGroup Group, IReadOnlyList<long> MemberIds);

/// <summary>A group to create or replace in VOMO.</summary>
/// <param name="Name">Name (required).</param>
/// <param name="Description">Description.</param>
/// <param name="ParentId">The parent group's id.</param>
/// <param name="Members">The members' user ids, if any.</param>
public sealed record VomoGroupDraft(string Name, string? Description = null, long? ParentId = null, IReadOnlyList<long>? Members = null);

/// <summary>A user to create or update (upsert by e-mail) in VOMO.</summary>
/// <param name="FirstName">First name.</param>
/// <param name="LastName">Last name.</param>
/// <param name="Email">E-mail, the upsert key.</param>
/// <param name="Birthday">Birthday.</param>
/// <param name="Gender"><c>M</c>, <c>F</c> or <c>N</c>.</param>
/// <param name="Phone">Phone number.</param>
/// <param name="Role">Membership role.</param>
public sealed record VomoUserDraft(string FirstName, string LastName, string Email, DateOnly Birthday, string Gender, string? Phone = null, string? Role = null);

/// <summary>One page of a VOMO list: <c>data</c>, <c>links</c> and <c>meta</c>.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed record VomoPage<T>
{
    /// <summary>The items (at most 15).</summary>
    public required IReadOnlyList<T> Data { get; init; }

    /// <summary>Absolute navigation links.</summary>
    public required VomoLinks Links { get; init; }

    /// <summary>Paging metadata.</summary>
    public required VomoMeta Meta { get; init; }

    /// <summary>When the server answered, by its own clock (the response's <c>Date</c> header), if it said.</summary>
    [JsonIgnore]
    public DateTimeOffset? ServedAt { get; init; }
}

/// <summary>A list's navigation links (absolute URLs that keep the query).</summary>
public sealed record VomoLinks
{
    /// <summary>The first page.</summary>
    public string? First { get; init; }

    /// <summary>The last page.</summary>
    public string? Last { get; init; }

    /// <summary>The previous page; <see langword="null"/> on the first.</summary>
    public string? Prev { get; init; }

    /// <summary>The next page; <see langword="null"/> on the last.</summary>
    public string? Next { get; init; }
}

/// <summary>A list's paging metadata, as of the request (offsets are evaluated afresh on each one).</summary>
public sealed record VomoMeta
{
    /// <summary>This page's number.</summary>
    public int CurrentPage { get; init; }

    /// <summary>The number of the last page.</summary>
    public int LastPage { get; init; }

    /// <summary>The page size (15).</summary>
    public int PerPage { get; init; }

    /// <summary>How many items match.</summary>
    public long Total { get; init; }
}

/// <summary>The body of a single-record answer: <c>{"data": {...}}</c>.</summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed record VomoItem<T>(T Data);
