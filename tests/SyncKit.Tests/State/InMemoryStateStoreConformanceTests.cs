using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing.Xunit;

namespace SyncKit.Tests.State;

/// <summary>The reference store passes the conformance kit every store must pass.</summary>
public sealed class InMemoryStateStoreConformanceTests : StateStoreConformanceTests
{
    protected override ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider) =>
        ValueTask.FromResult<ISyncStateStore>(new InMemorySyncStateStore(timeProvider));
}
