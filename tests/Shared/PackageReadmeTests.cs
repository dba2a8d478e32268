using FluentAssertions;
using Xunit;

namespace SyncKit.TestDocs;

/// <summary>
/// A package's README, shown on its package page, holds complete files that compile as pasted into a new app
/// (<see cref="ReadmeSnippets"/>). Each package's test project inherits this for its README.
/// </summary>
public abstract class PackageReadmeTests
{
    // The frameworks a complete file may be a test of, each compiled by a test project of that framework: xunit (2) here,
    // NUnit by tests/SyncKit.Testing.NUnit.Tests, MSTest and xunit v3 by eng/consumer-test.sh against the packed packages.
    private static readonly string[] KnownTestFrameworks = ["", "xunit", "nunit", "mstest", "xunitv3"];

    /// <summary>The README's path from the repository root.</summary>
    protected abstract string Readme { get; }

    [Fact]
    public void Readme_CompleteFiles_CompileAsPasted()
    {
        var files = ReadmeSnippets.CompleteFiles(Readme);

        files.Should().NotBeEmpty("a package's README shows a complete example");
        files.Should().OnlyContain(f => KnownTestFrameworks.Contains(f.TestFramework), "each framework's test project compiles the files of its framework");
        foreach (var file in files.Where(f => f.TestFramework is "" or "xunit"))
        {
            ReadmeSnippets.Compile(file);
        }
    }
}
