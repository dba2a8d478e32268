using SyncKit.TestDocs;

namespace SyncKit.Postgres.Tests.Docs;

public sealed class PostgresReadmeTests : PackageReadmeTests
{
    protected override string Readme => "src/SyncKit.Postgres/README.md";
}
