using Microsoft.Extensions.Time.Testing;

namespace SyncKit.Testing.NUnit.Tests;

/// <summary>The reference store passes the store conformance kit, each case an NUnit test case of its own.</summary>
[TestFixture]
public sealed class InMemoryStateStoreConformanceTests : StateStoreConformanceKit
{
    [TestCaseSource(nameof(CaseNames))]
    public Task Conformance(string name) => RunCaseAsync(name, TestContext.CurrentContext.CancellationToken);

    protected override ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider) =>
        ValueTask.FromResult<ISyncStateStore>(new InMemorySyncStateStore(timeProvider));
}
