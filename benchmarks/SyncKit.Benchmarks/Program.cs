using BenchmarkDotNet.Running;
using SyncKit.Benchmarks.Engine;

if (args is ["--memory", ..])
{
    return await BacklogMemoryMeasurement.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000_000);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
