using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>
/// A VOMO Volunteer API on loopback that gives the hostile answer to everything the docs leave open: live
/// offset pages, whole-second ties, replica lag, vanishing deletions, a per-token budget and injected faults,
/// with a live change generator. Everything is seeded and runs on the injected clock.
/// </summary>
public sealed class VomoSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FaultPlan _faults;
    private readonly ChangeGenerator _changes;

    private VomoSimulator(WebApplication app, IReadOnlyList<SimulatedTenant> tenants, FaultPlan faults, ChangeGenerator changes)
    {
        _app = app;
        Tenants = tenants;
        _faults = faults;
        _changes = changes;
        var address = app.Urls.Single();
        BaseUrl = new Uri($"{address.TrimEnd('/')}/v1/");
    }

    /// <summary>The API base, e.g. <c>http://127.0.0.1:5123/v1/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The organizations served.</summary>
    public IReadOnlyList<SimulatedTenant> Tenants { get; }

    /// <summary>The faults injected from now on.</summary>
    public FaultOptions Faults
    {
        get => _faults.Options;
        set => _faults.Options = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Whether the live change generator runs.</summary>
    public bool ChangesRunning => _changes.IsRunning;

    /// <summary>Starts the simulator on loopback.</summary>
    /// <param name="options">How it behaves.</param>
    /// <param name="timeProvider">Its clock (timestamps, lag, budget, slow responses, live changes); defaults to the system clock.</param>
    /// <param name="loggerFactory">Where the web host logs; defaults to nowhere.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running simulator.</returns>
    public static async Task<VomoSimulator> StartAsync(
        SimulatorOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        var tenants = options.Tenants.Select((t, i) => new SimulatedTenant(i, t, options.Seed, options.MaxReplicaLag, time)).ToList();
        var byToken = tenants.ToDictionary(t => t.Token, StringComparer.Ordinal);
        var faults = new FaultPlan(options.Seed) { Options = options.Faults };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        var app = builder.Build();
        var middleware = new SimulatorMiddleware(byToken, options.RateLimit, faults, time);
        app.Use((context, next) => middleware.InvokeAsync(context, next));
        Endpoints.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var changes = new ChangeGenerator(tenants, options.Changes, time);
        if (options.Changes.StartImmediately)
        {
            changes.Start();
        }

        return new VomoSimulator(app, tenants, faults, changes);
    }

    /// <summary>Finds a tenant by name.</summary>
    /// <param name="name">The tenant's name.</param>
    /// <returns>The tenant.</returns>
    public SimulatedTenant Tenant(string name) =>
        Tenants.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"The simulator has no tenant '{name}'.", nameof(name));

    /// <summary>Starts the live change generator.</summary>
    public void StartChanges() => _changes.Start();

    /// <summary>Stops the live change generator; changes already made still become visible after their lag.</summary>
    public void StopChanges() => _changes.Stop();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _changes.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
