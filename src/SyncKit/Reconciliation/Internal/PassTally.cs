namespace SyncKit.Reconciliation.Internal;

/// <summary>What a pass counts as it goes, with a few keys of each kind; becomes the pass's report.</summary>
internal sealed class PassTally(int reportedKeys)
{
    private readonly List<string> _missing = [];
    private readonly List<string> _stale = [];
    private readonly List<string> _extra = [];
    private readonly List<string> _stillAtSource = [];
    private readonly List<string> _deleted = [];
    private readonly List<FieldDrift> _drift = [];

    // Every unrepaired key, not a sample: each is carried into the next pass and force-repaired by key.
    private readonly HashSet<string> _unrepaired = new(StringComparer.Ordinal);

    public long Checked { get; set; }

    public long Missing { get; private set; }

    public long Stale { get; private set; }

    /// <summary>Records held at both ends whose versions were compared: the sample <see cref="Stale"/> was found in.</summary>
    public long StaleCompared { get; private set; }

    public long Extra { get; private set; }

    public long GoneAtSource { get; private set; }

    public long StillAtSource { get; private set; }

    public long DriftChecked { get; private set; }

    public long Drifted { get; private set; }

    public long Deleted { get; private set; }

    public long Repaired { get; private set; }

    public bool CorrectionPaused { get; set; }

    /// <summary>
    /// Stale records over every record held at both ends, estimated from the compared ones at the rate found among
    /// them: a full pass compares only a sample, and a rate that counted the sample's stale records against every
    /// key would understate them by the sampling rate.
    /// </summary>
    public long StaleEstimate
    {
        get
        {
            var common = Checked - Missing - Extra;
            return StaleCompared == 0 || StaleCompared >= common ? Stale : (long)Math.Round(Stale * (double)common / StaleCompared);
        }
    }

    public double GapRate => Checked == 0 ? 0 : (Missing + StaleEstimate + Extra) / (double)Checked;

    /// <summary>Keys for the run record's sample: divergent ones first.</summary>
    public IEnumerable<string> SampleKeys => _missing.Concat(_stale).Concat(_extra);

    public void AddMissing(string key) => Missing += Keep(_missing, key);

    public void AddStale(string key) => Stale += Keep(_stale, key);

    public void AddStaleCompared() => StaleCompared++;

    public void AddExtra(string key) => Extra += Keep(_extra, key);

    public void AddGoneAtSource() => GoneAtSource++;

    public void AddStillAtSource(string key) => StillAtSource += Keep(_stillAtSource, key);

    public void AddDeleted(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            Deleted += Keep(_deleted, key);
        }
    }

    public void AddRepaired() => Repaired++;

    public void AddUnrepaired(string key) => _unrepaired.Add(key);

    public void AddDriftChecked(string key, IReadOnlyList<string> fields)
    {
        DriftChecked++;
        if (fields.Count > 0)
        {
            Drifted++;
            if (_drift.Count < reportedKeys)
            {
                _drift.Add(new FieldDrift(key, fields));
            }
        }
    }

    public ReconciliationReport Report() => new()
    {
        Checked = Checked,
        Missing = Missing,
        Stale = Stale,
        StaleSampleSize = StaleCompared,
        StaleEstimate = StaleEstimate,
        Extra = Extra,
        GoneAtSource = GoneAtSource,
        StillAtSource = StillAtSource,
        DriftChecked = DriftChecked,
        Drifted = Drifted,
        GapRate = GapRate,
        CorrectionPaused = CorrectionPaused,
        Deleted = Deleted,
        Repaired = Repaired,
        Unrepaired = _unrepaired.Count,
        MissingKeys = [.. _missing],
        StaleKeys = [.. _stale],
        ExtraKeys = [.. _extra],
        StillAtSourceKeys = [.. _stillAtSource],
        DeletedKeys = [.. _deleted],
        Drift = [.. _drift],
        UnrepairedKeys = [.. _unrepaired.Order(StringComparer.Ordinal)],
    };

    private int Keep(List<string> keys, string key)
    {
        if (keys.Count < reportedKeys)
        {
            keys.Add(key);
        }

        return 1;
    }
}
