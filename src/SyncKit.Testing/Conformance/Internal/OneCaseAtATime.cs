namespace SyncKit.Testing.Conformance.Internal;

/// <summary>Keeps a kit instance to one case at a time: the per-case state lives on the instance while the case runs.</summary>
internal sealed class OneCaseAtATime
{
    private int _running;

    /// <exception cref="InvalidOperationException">Another case is running on the same instance.</exception>
    public void Enter(string kit)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"{kit}: a kit instance runs one case at a time, and another case is running on this one. Run the cases one " +
                "after another, or give each case an instance of its own (xunit and MSTest do; NUnit does with " +
                "[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]).");
        }
    }

    public void Exit() => Volatile.Write(ref _running, 0);
}
