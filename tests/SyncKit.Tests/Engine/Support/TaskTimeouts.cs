namespace SyncKit.Tests.Engine.Support;

/// <summary>Turns a hang into a test failure. Not a synchronisation tool: the tests wait on events, this only bounds the wait.</summary>
public static class TaskTimeouts
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    public static Task OrHang(this Task task) => task.WaitAsync(HangLimit);

    public static Task<T> OrHang<T>(this Task<T> task) => task.WaitAsync(HangLimit);
}
