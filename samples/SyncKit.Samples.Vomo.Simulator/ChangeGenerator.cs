namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>
/// Applies live changes to every tenant on a timer of the injected clock, so a test that advances a fake
/// clock gets the same changes every time.
/// </summary>
internal sealed class ChangeGenerator : IDisposable
{
    private readonly IReadOnlyList<SimulatedTenant> _tenants;
    private readonly ChangeOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private ITimer? _timer;
    private double _due;

    public ChangeGenerator(IReadOnlyList<SimulatedTenant> tenants, ChangeOptions options, TimeProvider time)
    {
        _tenants = tenants;
        _options = options;
        _time = time;
    }

    public bool IsRunning
    {
        get
        {
            lock (_sync)
            {
                return _timer is not null;
            }
        }
    }

    public void Start()
    {
        lock (_sync)
        {
            if (_timer is null && _options.PerSecond > 0)
            {
                _timer = _time.CreateTimer(_ => Tick(), null, _options.Tick, _options.Tick);
            }
        }
    }

    public void Stop()
    {
        lock (_sync)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose() => Stop();

    private void Tick()
    {
        lock (_sync)
        {
            if (_timer is null)
            {
                return;
            }

            // Carry the fraction so a rate below one change per tick still averages out.
            _due += _options.PerSecond * _options.Tick.TotalSeconds;
            var count = (int)_due;
            _due -= count;
            foreach (var tenant in _tenants)
            {
                for (var i = 0; i < count; i++)
                {
                    tenant.ApplyRandomChange();
                }
            }
        }
    }
}
