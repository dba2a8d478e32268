using SyncKit.TestDocs;

namespace SyncKit.Tests.Docs;

public sealed class CoreReadmeTests : PackageReadmeTests
{
    protected override string Readme => "src/SyncKit/README.md";
}

public sealed class TestingReadmeTests : PackageReadmeTests
{
    protected override string Readme => "src/SyncKit.Testing/README.md";
}

public sealed class TestingXunitReadmeTests : PackageReadmeTests
{
    protected override string Readme => "src/SyncKit.Testing.Xunit/README.md";
}
