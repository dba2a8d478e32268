namespace SyncKit.Tests.Reconciliation;

public sealed class ReconciliationScheduleTests : ReconciliationTestBase
{
    [Fact]
    public async Task RunDueAsync_EachTenantSlot_RunsEachPassOncePerCadenceAndNotBeforeTheFirstSlot()
    {
        var (_, _, job) = await SyncedAsync(10, o => o.Reconciliation.FullCadence = TimeSpan.FromDays(7));
        var plan = new StaggerPlan([Job.Tenant, "tenant-b", "tenant-c"]);
        var day = job.Options.Reconciliation.IncrementalCadence;
        var nextIncremental = plan.LatestStart(Job.Tenant, day, T0) + day;
        var nextFull = plan.LatestStart(Job.Tenant, TimeSpan.FromDays(7), T0) + TimeSpan.FromDays(7);

        (await Reconciler.RunDueAsync(job, plan)).Should().BeEmpty("a fresh reconciler waits for the tenant's first slot");

        Time.SetUtcNow(nextIncremental);
        (await Reconciler.RunDueAsync(job, plan)).Select(r => r.Kind).Should().Equal(nextFull <= nextIncremental
            ? [RunKind.FullReconciliation, RunKind.IncrementalReconciliation]
            : [RunKind.IncrementalReconciliation]);
        (await Reconciler.RunDueAsync(job, plan)).Should().BeEmpty("each pass runs once per slot");

        Time.SetUtcNow(nextIncremental + day - TimeSpan.FromMinutes(1));
        (await Reconciler.RunDueAsync(job, plan)).Where(r => r.Kind == RunKind.IncrementalReconciliation).Should().BeEmpty();

        Time.SetUtcNow(nextIncremental + day);
        (await Reconciler.RunDueAsync(job, plan)).Should().Contain(r => r.Kind == RunKind.IncrementalReconciliation);

        Time.SetUtcNow(nextFull + TimeSpan.FromDays(7));
        (await Reconciler.RunDueAsync(job, plan)).Select(r => r.Kind).Should().Equal(RunKind.FullReconciliation, RunKind.IncrementalReconciliation);
    }
}
