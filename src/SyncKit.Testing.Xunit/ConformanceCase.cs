using Xunit;
using Xunit.Abstractions;

namespace SyncKit.Testing.Xunit;

/// <summary>
/// One case of a conformance kit as an xunit theory's data: the runner lists it by its whole name (xunit cuts a string
/// argument's display at 50 characters, and the kits' case names are longer), and discovers each case as a test.
/// </summary>
public sealed class ConformanceCase : IXunitSerializable
{
    /// <summary>Creates an empty case; xunit calls this before <see cref="Deserialize"/>.</summary>
    [Obsolete("Called by xunit when it deserializes a case; create one with ConformanceCase(string).")]
    public ConformanceCase()
    {
    }

    /// <summary>Creates the case named <paramref name="name"/>.</summary>
    /// <param name="name">One of the kit's case names.</param>
    public ConformanceCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The case's name, one of the kit's <c>CaseNames</c>.</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>The kit's case names as theory data.</summary>
    /// <param name="names">The kit's <c>CaseNames</c>.</param>
    /// <returns>One row per name.</returns>
    public static TheoryData<ConformanceCase> Of(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new(names.Select(name => new ConformanceCase(name)));
    }

    /// <inheritdoc />
    public void Deserialize(IXunitSerializationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Name = info.GetValue<string>(nameof(Name));
    }

    /// <inheritdoc />
    public void Serialize(IXunitSerializationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.AddValue(nameof(Name), Name);
    }

    /// <summary>The case's name, as the runner shows it.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;
}
