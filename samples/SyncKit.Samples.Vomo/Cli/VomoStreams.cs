using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The three streams the sample syncs for every tenant, each a source, a CRM destination and a serializer for its
/// dead letters. <c>sync</c> and <c>demo</c> run them through <see cref="TenantSync"/>; <c>sync --watch</c>
/// registers them with the Generic Host.
/// </summary>
internal static class VomoStreams
{
    public static IReadOnlyList<IVomoStream> All { get; } =
    [
        new VomoStream<VomoUser>(
            "users",
            (client, options) => new VomoSource<VomoUser>(client, VomoResources.Users, options),
            (crm, job) => crm.Destination(CrmTable<VomoUser>.Contacts, CrmWelcomes.Accepted, job),
            VomoRecordSerializers.Users),
        new VomoStream<VomoProject>(
            "projects",
            (client, options) => new VomoSource<VomoProject>(client, VomoResources.Projects, options),
            (crm, job) => crm.Destination(CrmTable<VomoProject>.Projects, null, job),
            VomoRecordSerializers.Projects),
        new VomoStream<VomoGroupRecord>(
            "groups",
            (client, options) => new VomoGroupSource(client, options),
            (crm, job) => crm.Destination(CrmTable<VomoGroupRecord>.Groups, null, job),
            VomoRecordSerializers.Groups),
    ];
}

/// <summary>One stream with its record type erased, so the commands can treat the three alike.</summary>
internal interface IVomoStream
{
    string Name { get; }

    /// <summary>The stream's job for one tenant, ready to run.</summary>
    Func<CancellationToken, Task<RunRecord>> Bind(SyncEngine engine, CrmDatabase crm, string tenant, VomoClient client, VomoSourceOptions sourceOptions, SyncJobOptions options);

    /// <summary>Registers the stream with a host for the tenants whose clients <paramref name="clients"/> holds.</summary>
    void Register(SyncKitBuilder kit, CrmDatabase crm, IReadOnlyDictionary<string, VomoClient> clients, VomoSourceOptions sourceOptions, Action<string, SyncJobOptions> configure);
}

internal sealed class VomoStream<T>(
    string name,
    Func<VomoClient, VomoSourceOptions, ISource<T>> source,
    Func<CrmDatabase, JobId, IDestination<T>> destination,
    IRecordSerializer<T> serializer) : IVomoStream
{
    public string Name => name;

    public Func<CancellationToken, Task<RunRecord>> Bind(SyncEngine engine, CrmDatabase crm, string tenant, VomoClient client, VomoSourceOptions sourceOptions, SyncJobOptions options)
    {
        var id = new JobId(tenant, name);
        var job = new SyncJob<T>(id, source(client, sourceOptions), destination(crm, id), serializer) { Options = options };
        return cancellationToken => engine.RunAsync(job, cancellationToken);
    }

    public void Register(SyncKitBuilder kit, CrmDatabase crm, IReadOnlyDictionary<string, VomoClient> clients, VomoSourceOptions sourceOptions, Action<string, SyncJobOptions> configure) =>
        kit.AddJob<T>(name, job => job
            .ForTenants([.. clients.Keys])
            .UseSource((_, tenant) => source(clients[tenant], sourceOptions))
            .UseDestination((_, tenant) => destination(crm, new JobId(tenant, name)))
            .UseSerializer(_ => serializer)
            .Configure(configure));
}
