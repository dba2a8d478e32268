namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>The ids of live rows, for picking one at random in O(1). Not thread-safe.</summary>
internal sealed class IdPool
{
    private readonly List<long> _ids = [];
    private readonly Dictionary<long, int> _index = [];

    public int Count => _ids.Count;

    public void Add(long id)
    {
        if (_index.TryAdd(id, _ids.Count))
        {
            _ids.Add(id);
        }
    }

    public void Remove(long id)
    {
        if (!_index.Remove(id, out var at))
        {
            return;
        }

        var last = _ids[^1];
        _ids.RemoveAt(_ids.Count - 1);
        if (last != id)
        {
            _ids[at] = last;
            _index[last] = at;
        }
    }

    public bool TryPick(Random random, out long id)
    {
        id = _ids.Count == 0 ? 0 : _ids[random.Next(_ids.Count)];
        return _ids.Count > 0;
    }
}
