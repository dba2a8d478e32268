using SyncKit.TestDocs;

namespace SyncKit.AspNetCore.Tests.Docs;

/// <summary>The repository README's complete files, its web apps (the observability example) included.</summary>
public sealed class RepositoryReadmeTests : PackageReadmeTests
{
    protected override string Readme => "README.md";
}
