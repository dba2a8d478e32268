using System.CommandLine;
using System.CommandLine.Invocation;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The sample's command line on System.CommandLine: every command of the contract (the sample README, "Command
/// line") with its description, its options (<see cref="VomoOptions"/>) and the action that runs it in a
/// <see cref="CommandEnvironment"/>. The library gives <c>--help</c>/<c>-h</c> on every command, typo suggestions and
/// completions (the <c>[suggest]</c> directive); the exit codes stay the contract's, so a refused command line exits 2.
/// </summary>
internal sealed class VomoCli
{
    /// <summary>The command that runs when none is given.</summary>
    public const string DefaultCommand = "demo";

    /// <summary>Arguments are taken as typed: a word starting with '@' is a value (a token may), not a response file to read.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private readonly CommandEnvironment _environment;

    public VomoCli(CommandEnvironment environment)
    {
        _environment = environment;
        Root = Build();
    }

    public VomoOptions Options { get; } = new();

    public RootCommand Root { get; }

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, Parsing);

    /// <summary>Runs the command <paramref name="args"/> name; a usage error goes to <paramref name="error"/> and exits 2.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error, CancellationToken cancellationToken)
    {
        var parse = Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            await UsageErrors.WriteAsync(parse, error);
            return ExitCodes.BadArguments;
        }

        try
        {
            // The program stops gracefully on Ctrl+C and SIGTERM itself (a watch may take longer than the library's
            // two seconds to commit its runs), and a command's own failure is not the library's to report.
            var invocation = new InvocationConfiguration { Output = _environment.Output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadArguments;
        }
    }

    private RootCommand Build()
    {
        var o = Options;
        var root = new RootCommand(
            "The SyncKit VOMO sample: syncs VOMO organizations (users, projects, groups) into a CRM database (SQLite or PostgreSQL). " +
            $"Without a command it runs the {DefaultCommand}. Exit codes: 0 done (dead letters are reported, not fatal), 2 bad arguments or configuration, " +
            "3 a tenant stopped on 401/403, 4 the source stayed unavailable (circuit open) after retries, 5 the database is damaged, full or read-only; " +
            "with several tenants the highest. The contract: samples/SyncKit.Samples.Vomo/README.md.");
        foreach (var option in o.Common)
        {
            root.Options.Add(option);
        }

        root.SetAction(Run(DemoCommand.RunAsync));
        root.Subcommands.Add(Command(DefaultCommand, "Starts the built-in VOMO simulator on loopback with sample tenants, live changes and faults, syncs into ./vomo-sync.db (SQLite) showing progress, then prints the run summary and per-tenant health. What runs when no command is given.", DemoCommand.RunAsync));
        root.Subcommands.Add(Command("sync", "One poll cycle per tenant and resource; with --watch, keeps polling at each tenant's cadence until Ctrl+C, shutting down gracefully.", SyncCommand.RunAsync, o.Watch));
        root.Subcommands.Add(Command("reconcile", "incremental: re-reads a recent window and repairs gaps; full: full scan, deletion detection (soft deletes), drift report.", ReconcileCommand.RunAsync, o.Mode));
        root.Subcommands.Add(NeedsTenant(Command("replay", "A dry run over a past window [--from, --to): prints the operations that would run, writes nothing.", ReplayCommand.RunAsync, o.Resource, o.From, o.To)));
        root.Subcommands.Add(NeedsTenant(Command("backfill", "Re-syncs a past window [--from, --to) without touching the checkpoint.", BackfillCommand.RunAsync, o.Resource, o.From, o.To)));
        root.Subcommands.Add(Parent("checkpoint", "Shows or moves a job's checkpoint.",
            NeedsTenant(Command("show", "Shows a job's checkpoint and its lag.", CheckpointCommand.RunAsync, o.Resource)),
            NeedsTenant(Command("reset", "Moves a job's checkpoint to --to, or removes it; recorded in run history. Stop 'sync --watch' first.", CheckpointCommand.RunAsync, o.Resource, o.ResetTo))));
        root.Subcommands.Add(Parent("dlq", "The dead-letter queue (and the welcomes the webhook rejected).",
            Command("list", "Lists the dead letters (job, key, error class, attempts, next attempt, error) and the rejected welcomes.", DeadLetterCommand.RunAsync),
            Command("retry", "Re-drives every dead letter now through the CRM, and sends the rejected welcomes again.", DeadLetterCommand.RunAsync)));
        root.Subcommands.Add(Parent("runs", "Run history.",
            Command("list", "Run history, newest first: id, job, start, end, outcome, counts, cursor range.", RunsCommand.RunAsync, o.Limit)));
        root.Subcommands.Add(Command("status", "Per-tenant health: lag, last success, DLQ size, breaker state, error-budget burn.", StatusCommand.RunAsync));
        root.Subcommands.Add(NeedsTenant(Command("push-groups", "Creates in VOMO the groups a JSON file lists, once per name, even when a POST /groups answer is lost.", PushGroupsCommand.RunAsync, o.File)));
        root.Subcommands.Add(Command("simulate", "Runs the VOMO simulator alone, for tests and trials; prints its base URL and the tenants' tokens.", SimulateCommand.RunAsync, o.Port, o.Seed));
        return root;
    }

    private Command Command(string name, string description, Func<CommandInput, CommandEnvironment, CancellationToken, Task<int>> run, params Option[] options)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(Run(run));
        return command;
    }

    /// <summary>A command of sub-commands; without one it names them (the library's own message does not).</summary>
    private static Command Parent(string name, string description, params Command[] subcommands)
    {
        var command = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            command.Subcommands.Add(subcommand);
        }

        command.SetAction(int (_) => throw new UsageException($"'{name}' needs one of: {string.Join(", ", subcommands.Select(s => s.Name))}."));
        return command;
    }

    /// <summary>A command that acts on one tenant refuses to parse without <c>--tenant</c>, before anything is opened.</summary>
    private Command NeedsTenant(Command command)
    {
        command.Validators.Add(result =>
        {
            if (result.GetResult(Options.Tenant) is null)
            {
                result.AddError($"'{string.Join(' ', VomoOptions.CommandPath(result))}' needs --tenant NAME.");
            }
        });
        return command;
    }

    private Func<ParseResult, CancellationToken, Task<int>> Run(Func<CommandInput, CommandEnvironment, CancellationToken, Task<int>> run) =>
        (parse, cancellationToken) => run(Options.Read(parse), _environment, cancellationToken);
}
