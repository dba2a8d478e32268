using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace SyncKit.Testing.Conformance.Internal;

/// <summary>
/// A kit's cases by name, in the order they are listed, and how one is run: a failure, whatever threw it, comes out as
/// a <see cref="ConformanceException"/> that names the kit and the case; a cancellation asked for comes out as it is.
/// </summary>
/// <typeparam name="TKit">The kit whose instance a case runs on.</typeparam>
internal sealed class ConformanceCases<TKit>
    where TKit : class
{
    private readonly Dictionary<string, Func<TKit, Task>> _cases = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public ConformanceCases(string kit, params IEnumerable<(string Name, Func<TKit, Task> Run)>[] groups)
    {
        Kit = kit;
        foreach (var (name, run) in groups.SelectMany(g => g))
        {
            if (!_cases.TryAdd(name, run))
            {
                throw new InvalidOperationException($"{kit} lists the case '{name}' twice.");
            }

            _names.Add(name);
        }

        Names = new ReadOnlyCollection<string>(_names);
    }

    /// <summary>The kit's name as messages show it, e.g. "State store conformance".</summary>
    public string Kit { get; }

    public IReadOnlyList<string> Names { get; }

    /// <exception cref="ArgumentException">The kit has no case of that name.</exception>
    public Func<TKit, Task> Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _cases.TryGetValue(name, out var run)
            ? run
            : throw new ArgumentException($"{Kit} has no case named '{name}'. Its cases are listed by CaseNames: {string.Join(", ", _names)}.", nameof(name));
    }

    /// <summary>
    /// Throws what a case's failure surfaces as: the cancellation asked for as it is, anything else as a
    /// <see cref="ConformanceException"/> naming the kit and the case, with the failure inside.
    /// </summary>
    [DoesNotReturn]
    public void Throw(string name, Exception failure, CancellationToken cancellationToken)
    {
        if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        var what = failure is ConformanceException ? failure.Message : $"{failure.GetType().Name}: {failure.Message}";
        throw new ConformanceException($"{Kit} case '{name}' failed: {what}", failure);
    }
}
