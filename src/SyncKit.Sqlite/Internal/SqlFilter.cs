using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>Builds a <c>WHERE</c> clause from the filters that are set; each combination is its own prepared statement.</summary>
internal sealed class SqlFilter
{
    private readonly List<string> _conditions = [];

    public SqlFilter Where(bool applies, string condition)
    {
        if (applies)
        {
            _conditions.Add(condition);
        }

        return this;
    }

    public override string ToString() => _conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", _conditions);
}
