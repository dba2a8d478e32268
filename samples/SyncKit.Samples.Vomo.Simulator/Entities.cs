namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>A user as the simulator holds it (the source of truth, before replica lag).</summary>
public sealed record SimUser(
    long Id,
    string FirstName,
    string LastName,
    string Email,
    string? Address,
    string? Phone,
    DateOnly Birthday,
    string Gender,
    string UserStatus,
    string MembershipStatus,
    string MembershipRole,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A project as the simulator holds it.</summary>
public sealed record SimProject(
    long Id,
    string Name,
    string Description,
    string ProjectType,
    bool Published,
    bool Active,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A group as the simulator holds it; its members are kept apart because changing them does not touch <see cref="UpdatedAt"/>.</summary>
public sealed record SimGroup(
    long Id,
    string Name,
    string? Description,
    long? ParentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
