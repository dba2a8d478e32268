using SyncKit.TestDocs;

namespace SyncKit.Testing.NUnit.Tests.Docs;

/// <summary>
/// The NUnit file of SyncKit.Testing's README compiles as pasted into an NUnit project, and runs: each of its cases
/// passes on the in-memory store. (SyncKit.Tests compiles the README's other files, under xunit.)
/// </summary>
[TestFixture]
public sealed class TestingReadmeTests
{
    [Test]
    public async Task Readme_NUnitFile_CompilesAsPastedAndItsCasesPass()
    {
        var files = ReadmeSnippets.CompleteFiles("src/SyncKit.Testing/README.md").Where(f => f.TestFramework == "nunit").ToList();

        Assert.That(files, Has.Count.EqualTo(1), "the README shows one complete NUnit file");
        var fixture = ReadmeSnippets.Compile(files[0]).GetTypes().Single(t => t.IsDefined(typeof(TestFixtureAttribute), inherit: false));
        var kit = (StateStoreConformanceKit)Activator.CreateInstance(fixture)!;
        foreach (var name in StateStoreConformanceKit.CaseNames)
        {
            await kit.RunCaseAsync(name);
        }
    }
}
