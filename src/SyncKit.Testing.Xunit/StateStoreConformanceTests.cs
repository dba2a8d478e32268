using Xunit;

namespace SyncKit.Testing.Xunit;

/// <summary>
/// <see cref="StateStoreConformanceKit"/> as an xunit theory: a store's test class derives from this, supplies
/// <see cref="StateStoreConformanceKit.CreateStoreAsync"/>, and the runner shows each of the kit's cases as a test.
/// </summary>
public abstract class StateStoreConformanceTests : StateStoreConformanceKit
{
    /// <summary>The kit's cases, by name, as the theory's data.</summary>
    /// <value>One row per name of <see cref="StateStoreConformanceKit.CaseNames"/>.</value>
    public static TheoryData<ConformanceCase> Cases => ConformanceCase.Of(CaseNames);

    /// <summary>Runs one case on a fresh store.</summary>
    /// <param name="case">The case.</param>
    /// <returns>A task that completes when the case passed; a failure throws <see cref="ConformanceException"/>.</returns>
    [Theory]
    [MemberData(nameof(Cases))]
    public Task Conformance(ConformanceCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        return RunCaseAsync(@case.Name);
    }
}
