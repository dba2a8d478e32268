using SyncKit.TestDocs;

namespace SyncKit.AspNetCore.Tests.Docs;

public sealed class AspNetCoreReadmeTests : PackageReadmeTests
{
    protected override string Readme => "src/SyncKit.AspNetCore/README.md";
}
