namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>The live changes an organization goes through, drawn from the tenant's seeded random source.</summary>
internal static class RandomChange
{
    /// <summary>Applies one change; the caller holds the tenant's lock.</summary>
    public static void Apply(SimulatedTenant tenant)
    {
        var random = tenant.Random;
        var roll = random.NextDouble();
        switch (roll)
        {
            case < 0.35:
                UpdateUser(tenant, u => u with { Phone = FakeNames.Phone(random), Address = FakeNames.Address(random) });
                break;
            case < 0.42:
                UpdateUser(tenant, u => u with { LastName = FakeNames.LastName(random) });
                break;
            case < 0.47:
                UpdateUser(tenant, u => u with { MembershipStatus = u.MembershipStatus == "PENDING" ? "ACCEPTED" : u.MembershipStatus });
                break;
            case < 0.50:
                UpdateUser(tenant, u => u with { MembershipStatus = "BANNED" });
                break;
            case < 0.60:
                var (stamp, _) = tenant.Now();
                tenant.AddUser(tenant.NewUser(tenant.NextId(), stamp) with { MembershipStatus = "PENDING" }, tenant.Lag());
                break;
            case < 0.63:
                if (tenant.TryPickUser(out var leaving))
                {
                    tenant.RemoveUser(leaving);
                }

                break;
            case < 0.73:
                if (tenant.TryPickProject(out var project))
                {
                    tenant.UpdateProject(project, p => p with { Active = random.NextDouble() < 0.9, Description = $"Updated: {FakeNames.Cause(random)}" });
                }

                break;
            case < 0.76:
                var (projectStamp, _) = tenant.Now();
                tenant.AddProject(tenant.NewProject(tenant.NextId(), projectStamp), tenant.Lag());
                break;
            case < 0.77:
                if (tenant.TryPickProject(out var deleted))
                {
                    tenant.DeleteProject(deleted);
                }

                break;
            case < 0.82:
                if (tenant.TryPickGroup(out var group))
                {
                    tenant.ReplaceGroup(group, $"{FakeNames.Cause(random)} Team", $"Renamed {random.Next(100)}", tenant.CurrentGroupParent(group));
                }

                break;
            case < 0.95:
                if (tenant.TryPickGroup(out var changed))
                {
                    var members = tenant.CurrentMemberSet(changed);
                    members = random.NextDouble() < 0.5 && members.Count > 0
                        ? members.Remove(members[random.Next(members.Count)])
                        : members.Union(tenant.RandomMembers(1));
                    tenant.ReplaceMembers(changed, members);
                }

                break;
            case < 0.97:
                tenant.CreateGroup($"{FakeNames.Cause(random)} Team", "A new team.", null, tenant.RandomMembers(random.Next(0, 20)));
                break;
            case < 0.975:
                if (tenant.TryPickGroup(out var removed))
                {
                    tenant.DeleteGroup(removed);
                }

                break;
            case < 0.995:
                UpdateUser(tenant, u => u with { FirstName = FakeNames.FirstName(random) });
                break;
            default:
                // A bulk import: many users share one second.
                tenant.ImportUsers(random.Next(20, 200));
                break;
        }
    }

    private static void UpdateUser(SimulatedTenant tenant, Func<SimUser, SimUser> change)
    {
        if (tenant.TryPickUser(out var id))
        {
            tenant.UpdateUser(id, change);
        }
    }
}
