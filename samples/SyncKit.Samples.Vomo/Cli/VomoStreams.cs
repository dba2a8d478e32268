using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The three streams the sample syncs for every tenant, each declared once: its source, its CRM table (the
/// destination and the field comparer reconciliation uses), the welcome it sends, the serializer of its dead letters
/// and what it adds to the tenant's job options. Every command builds its jobs from these declarations through
/// <see cref="VomoWiring"/>: typed jobs for <c>sync</c>, <c>demo</c> and the operator commands, registrations with the
/// Generic Host for <c>sync --watch</c> and the dashboard.
/// </summary>
internal static class VomoStreams
{
    public static IReadOnlyList<IVomoStream> All { get; } =
    [
        new VomoStream<VomoUser>(
            "users",
            (client, options) => new VomoSource<VomoUser>(client, VomoResources.Users, options),
            CrmTable<VomoUser>.Contacts,
            VomoRecordSerializers.Users)
        {
            Welcome = CrmWelcomes.Accepted,
        },
        new VomoStream<VomoProject>(
            "projects",
            (client, options) => new VomoSource<VomoProject>(client, VomoResources.Projects, options),
            CrmTable<VomoProject>.Projects,
            VomoRecordSerializers.Projects),
        new VomoStream<VomoGroupRecord>(
            "groups",
            (client, options) => new VomoGroupSource(client, options),
            CrmTable<VomoGroupRecord>.Groups,
            VomoRecordSerializers.Groups)
        {
            // Membership changes do not move a group's updated_at, so every reconciliation re-reads every group's
            // members (a group's version includes them), and the drift this finds is expected, not a polling gap.
            ConfigureOptions = options =>
            {
                options.Reconciliation.DriftSampleRate = 1;
                options.Reconciliation.GapThreshold = 1;
            },
        },
    ];

    /// <summary>The streams' names, in the order a cycle syncs them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];

    /// <summary>The stream of that name.</summary>
    public static IVomoStream? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}

/// <summary>One stream with its record type erased, so the commands treat the three alike.</summary>
internal interface IVomoStream
{
    string Name { get; }

    /// <summary>What the stream adds to a tenant's job options, if anything.</summary>
    Action<SyncJobOptions>? ConfigureOptions { get; }

    /// <summary>The stream's job for one tenant.</summary>
    JobId Id(string tenant);

    /// <summary>The stream's job for one tenant, typed, ready to run or to operate on.</summary>
    TenantJob Job(VomoWiring wiring, string tenant);

    /// <summary>Registers the stream with a host for the wiring's tenants.</summary>
    void Register(SyncKitBuilder kit, VomoWiring wiring);
}

/// <inheritdoc />
internal sealed class VomoStream<T>(
    string name,
    Func<VomoClient, VomoSourceOptions, ISource<T>> source,
    CrmTable<T> table,
    IRecordSerializer<T> serializer) : IVomoStream
{
    public string Name => name;

    /// <summary>The welcome a record calls for, if the stream sends any.</summary>
    public Func<string, T, WelcomeNotification?>? Welcome { get; init; }

    public Action<SyncJobOptions>? ConfigureOptions { get; init; }

    public JobId Id(string tenant) => new(tenant, name);

    public TenantJob Job(VomoWiring wiring, string tenant) =>
        new TenantJob<T>(new SyncJob<T>(Id(tenant), Source(wiring, tenant), Destination(wiring, tenant), serializer)
        {
            Options = wiring.Options(tenant, this),
            FieldComparer = table,
        });

    public void Register(SyncKitBuilder kit, VomoWiring wiring) =>
        kit.AddJob<T>(name, job => job
            .ForTenants([.. wiring.Tenants])
            .UseSource((_, tenant) => Source(wiring, tenant))
            .UseDestination((_, tenant) => Destination(wiring, tenant))
            .UseSerializer(_ => serializer)
            .UseFieldComparer(_ => table)
            .Configure((tenant, options) => wiring.Configure(tenant, this, options)));

    private ISource<T> Source(VomoWiring wiring, string tenant) => source(wiring.Client(tenant), wiring.SourceOptions);

    private IDestination<T> Destination(VomoWiring wiring, string tenant) => wiring.Crm.Destination(table, Welcome, Id(tenant));
}
