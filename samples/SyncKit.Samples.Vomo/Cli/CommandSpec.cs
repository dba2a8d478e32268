namespace SyncKit.Samples.Vomo.Cli;

/// <summary>An option SAMPLE.md documents.</summary>
internal sealed record OptionSpec(string Name, bool IsFlag = false, bool IsRepeatable = false)
{
    /// <summary>The options every command takes.</summary>
    public static IReadOnlyList<OptionSpec> Common { get; } =
    [
        new("vomo-url"), new("token", IsRepeatable: true), new("tenant"), new("store"), new("webhook"), new("json", IsFlag: true), new("dashboard"),
    ];

    private static readonly IReadOnlyList<OptionSpec> Specific =
    [
        new("watch", IsFlag: true), new("mode"), new("resource"), new("from"), new("to"), new("limit"), new("file"), new("port"), new("seed"),
    ];

    public static OptionSpec? Find(string name) => Common.Concat(Specific).FirstOrDefault(o => o.Name == name);
}

/// <summary>A command: its name, sub-commands, the options it takes beyond the common ones, and what runs it.</summary>
internal sealed record CommandSpec(string Name, IReadOnlyList<string> Subcommands, IReadOnlyList<string> Options, Func<CommandLine, CancellationToken, Task<int>>? Run)
{
    /// <summary>Every command of SAMPLE.md. Those without a runner are not built yet.</summary>
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("demo", [], [], DemoCommand.RunAsync),
        new("sync", [], ["watch"], SyncCommand.RunAsync),
        new("reconcile", [], ["mode"], ReconcileCommand.RunAsync),
        new("replay", [], ["resource", "from", "to"], ReplayCommand.RunAsync),
        new("backfill", [], ["resource", "from", "to"], BackfillCommand.RunAsync),
        new("checkpoint", ["show", "reset"], ["resource", "to"], CheckpointCommand.RunAsync),
        new("dlq", ["list", "retry"], [], DeadLetterCommand.RunAsync),
        new("runs", ["list"], ["limit"], RunsCommand.RunAsync),
        new("status", [], [], StatusCommand.RunAsync),
        new("push-groups", [], ["file"], PushGroupsCommand.RunAsync),
        new("simulate", [], ["port", "seed"], SimulateCommand.RunAsync),
    ];
}
