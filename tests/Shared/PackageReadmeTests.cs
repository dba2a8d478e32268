using FluentAssertions;
using Xunit;

namespace SyncKit.TestDocs;

/// <summary>
/// A package's README, shown on its package page, holds complete files that compile as pasted into a new app
/// (<see cref="ReadmeSnippets"/>). Each package's test project inherits this for its README.
/// </summary>
public abstract class PackageReadmeTests
{
    /// <summary>The README's path from the repository root.</summary>
    protected abstract string Readme { get; }

    [Fact]
    public void Readme_CompleteFiles_CompileAsPasted()
    {
        var files = ReadmeSnippets.CompleteFiles(Readme);

        files.Should().NotBeEmpty("a package's README shows a complete example");
        foreach (var file in files)
        {
            ReadmeSnippets.Compile(file);
        }
    }
}
