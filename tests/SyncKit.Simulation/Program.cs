using System.Diagnostics;
using System.Globalization;
using SyncKit;
using SyncKit.Simulation;
using SyncKit.Simulation.World;

// The deterministic simulation (guarantee 17). Usage:
//   SyncKit.Simulation [--seeds N] [--from S] [--seed S] [--steps K] [--store memory,sqlite,postgres] [--trace] [--verbose]
//                      [--plant lost-writes|repeated-welcomes]   (a defect the checks must catch)
// Prints one line per failing seed with its report and how to replay it, and ends with "N seeds, N passed, N failed".
if (ThreadPool.ThreadCount > 1 || !OneWorkerThread())
{
    Console.Error.WriteLine("The simulation needs a thread pool of one worker thread (ThreadPoolMaxThreads in its project file); it is not deterministic otherwise.");
    return 2;
}

var options = Arguments.Parse(args);
return await Task.Run(() => RunAsync(options));

static async Task<int> RunAsync(Arguments options)
{
    var failed = 0;
    var passed = 0;
    var clock = Stopwatch.StartNew();
    using var listener = RunIds.Listen();
    foreach (var seed in options.Seeds)
    {
        RunIds.Seed(seed);
        var result = await Simulation.RunAsync(seed, options.Stores, options.Steps, options.Planted, options.Trace);
        if (result.Ok)
        {
            passed++;
            if (options.Verbose)
            {
                Console.WriteLine($"seed {seed} passed [{result.Fingerprint}]: {result.Report}");
            }
        }
        else
        {
            failed++;
            Console.WriteLine($"seed {seed} FAILED [{result.Fingerprint}]: {result.Report}");
            Console.WriteLine($"  replay: eng/simulate.sh --seed {seed} --store {options.StoreNames} --steps {options.Steps} --trace");
        }
    }

    Console.WriteLine($"{passed + failed} seeds, {passed} passed, {failed} failed in {clock.Elapsed.TotalSeconds:0.0} s");
    return failed == 0 ? 0 : 1;
}

static bool OneWorkerThread()
{
    ThreadPool.GetMaxThreads(out var workers, out _);
    return workers == 1;
}

/// <summary>The command line.</summary>
internal sealed record Arguments(IReadOnlyList<int> Seeds, IReadOnlyList<StoreKind> Stores, string StoreNames, int Steps, PlantedDefect Planted, bool Trace, bool Verbose)
{
    public static Arguments Parse(string[] args)
    {
        var from = 1;
        var count = 100;
        int? single = null;
        var steps = 2_000;
        var stores = "memory,sqlite";
        var trace = false;
        var verbose = false;
        var planted = PlantedDefect.None;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seeds": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--from": from = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": single = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--store": stores = args[++i]; break;
                case "--trace": trace = true; break;
                case "--verbose": verbose = true; break;
                case "--plant": planted = Enum.Parse<PlantedDefect>(args[++i].Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --seeds N, --from S, --seed S, --steps K, --store memory,sqlite,postgres, --plant lost-writes|repeated-welcomes, --trace, --verbose.");
            }
        }

        var kinds = stores.Split(',').Select(s => s.Trim() switch
        {
            "memory" => StoreKind.InMemory,
            "sqlite" => StoreKind.Sqlite,
            "postgres" => StoreKind.Postgres,
            var other => throw new ArgumentException($"Unknown store '{other}': use memory, sqlite or postgres."),
        }).ToList();
        IReadOnlyList<int> seeds = single is { } one ? [one] : [.. Enumerable.Range(from, count)];
        return new Arguments(seeds, kinds, stores, steps, planted, trace, verbose);
    }
}

/// <summary>Makes run ids (trace ids of the runs' spans) a function of the seed, so they replay too.</summary>
internal static class RunIds
{
    private static Random s_random = new(0);

    public static IDisposable Listen()
    {
        Activity.DefaultIdFormat = ActivityIdFormat.W3C;
        Activity.TraceIdGenerator = () =>
        {
            Span<byte> bytes = stackalloc byte[16];
            s_random.NextBytes(bytes);
            return ActivityTraceId.CreateFromBytes(bytes);
        };
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncKitDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    public static void Seed(int seed) => s_random = new Random(seed);
}
