namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>How the VOMO simulator behaves. Every hostile behaviour of the VOMO API can be switched and is seeded.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The seed for the data, the live changes, the replica lag and the faults.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; init; } = 1;

    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    /// <value>Default 0.</value>
    public int Port { get; init; }

    /// <summary>The organizations (tenants) served, each with its own token and data.</summary>
    /// <value>Default: three tenants of 5,000 users each.</value>
    public IReadOnlyList<TenantOptions> Tenants { get; init; } =
    [
        new() { Name = "acme" },
        new() { Name = "globex" },
        new() { Name = "initech" },
    ];

    /// <summary>The most a change waits before lists and lookups show it (each change draws its own lag).</summary>
    /// <value>Default 5 seconds; zero makes reads consistent.</value>
    public TimeSpan MaxReplicaLag { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The per-token request budget, or <see langword="null"/> for none.</summary>
    /// <value>Default 20 requests per second with a burst of 20.</value>
    public RateLimitOptions? RateLimit { get; init; } = new();

    /// <summary>The faults injected into responses; they can also be switched while the simulator runs.</summary>
    /// <value>Default none.</value>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>The live change generator.</summary>
    /// <value>Default 5 changes per second per tenant, started with the simulator.</value>
    public ChangeOptions Changes { get; init; } = new();
}

/// <summary>One simulated VOMO organization.</summary>
public sealed class TenantOptions
{
    /// <summary>The tenant's name.</summary>
    public required string Name { get; init; }

    /// <summary>The tenant's API token; <see langword="null"/> derives one from the seed and the name.</summary>
    public string? Token { get; init; }

    /// <summary>How many users the organization starts with.</summary>
    /// <value>Default 5,000.</value>
    public int Users { get; init; } = 5_000;

    /// <summary>The share of the initial users created by one bulk import, so they share one <c>updated_at</c> second.</summary>
    /// <value>Default 0.6.</value>
    public double BulkImportShare { get; init; } = 0.6;

    /// <summary>How many projects the organization starts with.</summary>
    /// <value>Default 60.</value>
    public int Projects { get; init; } = 60;

    /// <summary>How many groups the organization starts with.</summary>
    /// <value>Default 40.</value>
    public int Groups { get; init; } = 40;
}

/// <summary>A token bucket per API token.</summary>
public sealed class RateLimitOptions
{
    /// <summary>The sustained rate.</summary>
    /// <value>Default 20 requests per second.</value>
    public double PermitsPerSecond { get; init; } = 20;

    /// <summary>The most requests that may arrive at once.</summary>
    /// <value>Default 20.</value>
    public int Burst { get; init; } = 20;
}

/// <summary>Faults, each as the share of requests it hits. Decisions are a function of the seed and the request, not of timing.</summary>
public sealed record FaultOptions
{
    /// <summary>No faults.</summary>
    public static FaultOptions None { get; } = new();

    /// <summary>Share of requests answered <c>500</c>.</summary>
    public double ServerErrors { get; init; }

    /// <summary>Share of requests answered <c>503</c> (half of them with <c>Retry-After: 1</c>).</summary>
    public double Unavailable { get; init; }

    /// <summary>Share of requests answered only after <see cref="SlowResponseDelay"/>.</summary>
    public double SlowResponses { get; init; }

    /// <summary>How long a slow response takes.</summary>
    /// <value>Default 30 seconds, past a typical client timeout.</value>
    public TimeSpan SlowResponseDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of responses whose connection drops half-way through the body.</summary>
    public double DroppedConnections { get; init; }

    /// <summary>Share of <c>POST /groups</c> requests that create the group and then lose the response.</summary>
    public double LostCreateResponses { get; init; }

    /// <summary>Every fault at a rate that a client with a few retries survives.</summary>
    public static FaultOptions Hostile { get; } = new()
    {
        ServerErrors = 0.02,
        Unavailable = 0.02,
        SlowResponses = 0.01,
        DroppedConnections = 0.02,
        LostCreateResponses = 0.3,
    };
}

/// <summary>The live change generator.</summary>
public sealed class ChangeOptions
{
    /// <summary>Changes per second in each tenant.</summary>
    /// <value>Default 5.</value>
    public double PerSecond { get; init; } = 5;

    /// <summary>How often the generator wakes up.</summary>
    /// <value>Default 100 milliseconds.</value>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether the generator runs from the start.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool StartImmediately { get; init; } = true;
}
