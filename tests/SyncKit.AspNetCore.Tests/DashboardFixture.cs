namespace SyncKit.AspNetCore.Tests;

/// <summary>One seeded host shared by tests that only read.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public DashboardHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await DashboardHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
