using Xunit;

namespace SyncKit.Testing.Xunit;

/// <summary>
/// <see cref="DestinationConformanceKit{T}"/> as an xunit theory: a connector's test class derives from this, supplies
/// the kit's factory methods, and the runner shows each of the kit's cases as a test.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public abstract class DestinationConformanceTests<T> : DestinationConformanceKit<T>
{
    /// <summary>The kit's cases, by name, as the theory's data.</summary>
    /// <value>One row per name of <see cref="DestinationConformanceKit{T}.CaseNames"/>.</value>
    public static TheoryData<ConformanceCase> Cases => ConformanceCase.Of(CaseNames);

    /// <summary>Runs one case.</summary>
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
