using SyncKit.Testing;

namespace SyncKit.Tests.Engine.Support;

/// <summary>Serves a <see cref="ScriptedSource{T}"/>'s pages with the horizon a test sets, as a SQL source reports its own.</summary>
public sealed class HorizonSource(ScriptedSource<TestRecord> inner) : ISource<TestRecord>
{
    /// <summary>The horizon the next pages report.</summary>
    public SourceHorizon? Horizon { get; set; }

    /// <inheritdoc />
    public async ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
        (await inner.ReadPageAsync(after, context, cancellationToken)) with { Horizon = Horizon };
}
