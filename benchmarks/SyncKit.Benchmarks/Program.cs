using BenchmarkDotNet.Running;
using SyncKit.Benchmarks.Engine;

if (args is ["--memory", ..])
{
    return await BacklogMemoryMeasurement.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000_000);
}

if (args is ["--reconcile-memory", var side])
{
    return await SyncKit.Benchmarks.Reconciliation.ReconcileMemoryMeasurement.RunAsync(side);
}

BenchmarkSwitcher.FromAssembly(typeof(BacklogMemoryMeasurement).Assembly).Run(args);
return 0;
