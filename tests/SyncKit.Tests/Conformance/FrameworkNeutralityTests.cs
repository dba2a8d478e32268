using SyncKit.Testing;

namespace SyncKit.Tests.Conformance;

/// <summary>SyncKit.Testing stays usable from any test framework: it references none (SyncKit.Testing.Xunit does).</summary>
public sealed class FrameworkNeutralityTests
{
    [Fact]
    public void SyncKitTesting_References_NoTestFramework()
    {
        var references = typeof(StateStoreConformanceKit).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.Should().Contain("SyncKit").And.NotContain(name =>
            name.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("nunit", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.VisualStudio.TestPlatform", StringComparison.Ordinal)
            || name.StartsWith("MSTest", StringComparison.OrdinalIgnoreCase));
    }
}
