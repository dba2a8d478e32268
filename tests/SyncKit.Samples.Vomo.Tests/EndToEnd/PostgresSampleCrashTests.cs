using SyncKit.Samples.Vomo.Tests.Support;
using Xunit.Abstractions;

namespace SyncKit.Samples.Vomo.Tests.EndToEnd;

/// <summary>The end-to-end crash scenario with the state and the CRM in a PostgreSQL database of its own.</summary>
public sealed class PostgresSampleCrashTests(ITestOutputHelper output) : SampleCrashScenario(output)
{
    private CliStore? _store;

    protected override string Store => _store!.Argument;

    protected override Task<List<object?[]>> QueryAsync(string sql) => Task.FromResult(_store!.Rows(sql));

    public override async Task InitializeAsync() => _store = await CliStore.CreateAsync(StoreKind.Postgres);

    public override async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}
