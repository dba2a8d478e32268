using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SyncKit.Hosting.Internal;

namespace SyncKit;

/// <summary>
/// Configures SyncKit in a host: the jobs, the state store, error classifiers and the scheduler.
/// Store packages extend it (<c>.UseSqlite(...)</c>, <c>.UsePostgres(...)</c>).
/// </summary>
public sealed class SyncKitBuilder
{
    internal SyncKitBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers a job: one stream synced for each of its tenants.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="stream">The stream's name, unique within the host; also the name of its <see cref="SyncJobOptions"/>.</param>
    /// <param name="configure">Sets the tenants, the source, the destination and the options.</param>
    /// <returns>This builder.</returns>
    public SyncKitBuilder AddJob<T>(string stream, Action<SyncJobRegistration<T>> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(configure);
        var registration = new SyncJobRegistration<T>(stream);
        configure(registration);
        registration.Validate();

        Services.AddOptions<SyncJobOptions>(stream).Configure(registration.ConfigureOptions).ValidateOnStart();
        Services.AddSingleton<IRegisteredJob>(registration);
        return this;
    }

    /// <summary>Uses a state store; store packages call this from their <c>UseXxx</c> methods.</summary>
    /// <param name="factory">Creates the store once per host.</param>
    /// <returns>This builder.</returns>
    public SyncKitBuilder UseStore(Func<IServiceProvider, ISyncStateStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<ISyncStateStore>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>
    /// Uses a state store built from options, as store packages do: the options are configured and validated when the
    /// host starts (register an <see cref="Microsoft.Extensions.Options.IValidateOptions{TOptions}"/> for their rules),
    /// and the store is built once from them and registered as itself and as the host's store.
    /// </summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <typeparam name="TOptions">Its options type.</typeparam>
    /// <param name="configure">Sets the options.</param>
    /// <param name="create">Builds the store from the services and the validated options.</param>
    /// <returns>This builder.</returns>
    public SyncKitBuilder UseStore<TStore, TOptions>(Action<TOptions> configure, Func<IServiceProvider, TOptions, TStore> create)
        where TStore : class, ISyncStateStore
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(create);
        Services.AddOptions<TOptions>().Configure(configure).ValidateOnStart();
        Services.TryAddSingleton(TimeProvider.System);
        Services.TryAddSingleton(provider => create(provider, provider.GetRequiredService<IOptions<TOptions>>().Value));
        return UseStore(provider => provider.GetRequiredService<TStore>());
    }

    /// <summary>Keeps state in memory: lost when the process ends. For tests and trials.</summary>
    /// <returns>This builder.</returns>
    public SyncKitBuilder UseInMemoryStore() =>
        UseStore(sp => new InMemorySyncStateStore(sp.GetRequiredService<TimeProvider>()));

    /// <summary>Adds a classifier the engine asks, in registration order, before its built-in rules.</summary>
    /// <typeparam name="TClassifier">The classifier type, created from the container.</typeparam>
    /// <returns>This builder.</returns>
    public SyncKitBuilder AddErrorClassifier<TClassifier>()
        where TClassifier : class, IErrorClassifier
    {
        Services.AddSingleton<IErrorClassifier, TClassifier>();
        return this;
    }

    /// <summary>Configures the scheduler.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public SyncKitBuilder ConfigureScheduler(Action<SyncSchedulerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Configures how long history is kept (see <see cref="RetentionOptions"/>).</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public SyncKitBuilder ConfigureRetention(Action<RetentionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
