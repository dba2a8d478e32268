using SyncKit.TestDocs;

namespace SyncKit.Sqlite.Tests.Docs;

public sealed class SqliteReadmeTests : PackageReadmeTests
{
    protected override string Readme => "src/SyncKit.Sqlite/README.md";
}
