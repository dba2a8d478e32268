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

if (args is ["--vomo-window-memory", ..])
{
    return await SyncKit.Benchmarks.Vomo.VomoWindowMemoryMeasurement.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

if (args is ["--vomo-key-listing-memory", ..])
{
    return await SyncKit.Benchmarks.Vomo.VomoKeyListingMemoryMeasurement.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

if (args is ["--retention-stall", ..])
{
    var runs = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000_000;
    var commits = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2_000;
    return await SyncKit.Benchmarks.Retention.RetentionStallMeasurement.RunAsync(runs, commits, args.Length > 3 ? args[3] : null);
}

if (args is ["--scheduler-scale", var tenants, var cadence, var duration, ..])
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    return await SyncKit.Benchmarks.Scheduler.SchedulerScaleMeasurement.RunAsync(
        int.Parse(tenants, inv), TimeSpan.Parse(cadence, inv), TimeSpan.Parse(duration, inv), args.Length > 4 ? TimeSpan.FromMilliseconds(int.Parse(args[4], inv)) : TimeSpan.Zero);
}

BenchmarkSwitcher.FromAssembly(typeof(BacklogMemoryMeasurement).Assembly).Run(args);
return 0;
