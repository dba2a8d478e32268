namespace SyncKit.Tests.Reconciliation;

public sealed class StaggerPlanTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static readonly List<string> Tenants = [.. Enumerable.Range(1, 50).Select(i => $"tenant-{i}")];

    [Fact]
    public void OffsetOf_50TenantsWithTheSameCadence_GivesDistinctOffsetsSpreadEvenlyOverTheCadence()
    {
        var plan = new StaggerPlan(Tenants);

        var offsets = Tenants.Select(t => plan.OffsetOf(t, Day)).Order().ToList();

        offsets.Should().OnlyHaveUniqueItems().And.OnlyContain(o => o >= TimeSpan.Zero && o < Day);
        offsets.Select(o => (int)o.TotalMinutes).Should().OnlyHaveUniqueItems("no two tenants start in the same minute");
        var step = Day / Tenants.Count;
        offsets.Zip(offsets.Skip(1), (a, b) => b - a).Should().OnlyContain(gap => (gap - step).Duration() <= TimeSpan.FromTicks(1));
        (Day - offsets[^1] + offsets[0]).Should().BeCloseTo(step, TimeSpan.FromTicks(1), "the spread wraps evenly into the next cadence");
    }

    [Fact]
    public void OffsetOf_SameTenantsInAnotherOrder_GivesTheSameOffsets()
    {
        var plan = new StaggerPlan(Tenants);
        var shuffled = new StaggerPlan(Enumerable.Reverse(Tenants).Concat(Tenants));

        Tenants.Select(t => shuffled.OffsetOf(t, Day)).Should().Equal(Tenants.Select(t => plan.OffsetOf(t, Day)));
    }

    [Fact]
    public void OffsetOf_TenantOutsideThePlan_GetsAStableOffsetInsideTheCadence()
    {
        var plan = new StaggerPlan(Tenants);

        var offset = plan.OffsetOf("late-tenant", Day);

        offset.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThan(Day);
        new StaggerPlan([]).OffsetOf("late-tenant", Day).Should().Be(offset);
    }

    [Fact]
    public void LatestStart_AroundASlot_IsThatSlotFromItsInstantAndThePreviousOneBefore()
    {
        var plan = new StaggerPlan(Tenants);
        var now = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);
        var slot = plan.LatestStart("tenant-7", Day, now);

        slot.Should().BeOnOrBefore(now).And.BeAfter(now - Day);
        ((slot - DateTimeOffset.UnixEpoch - plan.OffsetOf("tenant-7", Day)).Ticks % Day.Ticks).Should().Be(0, "slots repeat every cadence from the epoch");
        plan.LatestStart("tenant-7", Day, slot).Should().Be(slot);
        plan.LatestStart("tenant-7", Day, slot.AddTicks(-1)).Should().Be(slot - Day);
    }
}
