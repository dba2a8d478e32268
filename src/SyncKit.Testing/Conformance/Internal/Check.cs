using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace SyncKit.Testing.Conformance.Internal;

/// <summary>
/// The kits' checks: each throws a <see cref="ConformanceException"/> naming what it checked (the expression the
/// case wrote, unless a message is given) with what it expected and what it found. Values compare by
/// <see cref="EqualityComparer{T}.Default"/>; sequences element by element, in order.
/// </summary>
internal static class Check
{
    private const int ShownItems = 12;

    public static void Equal<T>(T expected, T actual, [CallerArgumentExpression(nameof(actual))] string? what = null)
    {
        if (expected is IEnumerable expectedItems and not string && actual is IEnumerable actualItems and not string)
        {
            SameSequence(expectedItems.Cast<object?>(), actualItems.Cast<object?>(), what);
        }
        else if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw Failed(what, $"expected {Format(expected)}, found {Format(actual)}.");
        }
    }

    public static void Equal<T>(IEnumerable<T> expected, IEnumerable<T> actual, [CallerArgumentExpression(nameof(actual))] string? what = null) =>
        SameSequence(expected.Cast<object?>(), actual.Cast<object?>(), what);

    public static void NotEqual<T>(T unexpected, T actual, [CallerArgumentExpression(nameof(actual))] string? what = null)
    {
        if (EqualityComparer<T>.Default.Equals(unexpected, actual))
        {
            throw Failed(what, $"expected anything but {Format(unexpected)}, found it.");
        }
    }

    public static void True(bool condition, string? message = null, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        if (!condition)
        {
            throw new ConformanceException(message ?? $"{what}: expected true, found false.");
        }
    }

    public static void False(bool condition, string? message = null, [CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        if (condition)
        {
            throw new ConformanceException(message ?? $"{what}: expected false, found true.");
        }
    }

    public static void Null<T>(T? actual, [CallerArgumentExpression(nameof(actual))] string? what = null)
    {
        if (actual is not null)
        {
            throw Failed(what, $"expected none, found {Format(actual)}.");
        }
    }

    public static T NotNull<T>([NotNull] T? actual, [CallerArgumentExpression(nameof(actual))] string? what = null)
        where T : class =>
        actual ?? throw Failed(what, "expected a value, found none.");

    public static T NotNull<T>([NotNull] T? actual, [CallerArgumentExpression(nameof(actual))] string? what = null)
        where T : struct =>
        actual ?? throw Failed(what, "expected a value, found none.");

    public static T Single<T>(IEnumerable<T> items, [CallerArgumentExpression(nameof(items))] string? what = null)
    {
        var list = items.ToList();
        return list.Count == 1 ? list[0] : throw Failed(what, $"expected exactly one item, found {Format(list)}.");
    }

    public static void Empty<T>(IEnumerable<T> items, [CallerArgumentExpression(nameof(items))] string? what = null)
    {
        var list = items.ToList();
        if (list.Count > 0)
        {
            throw Failed(what, $"expected nothing, found {Format(list)}.");
        }
    }

    public static void All<T>(IEnumerable<T> items, Action<T> check, [CallerArgumentExpression(nameof(items))] string? what = null)
    {
        var index = 0;
        foreach (var item in items)
        {
            try
            {
                check(item);
            }
            catch (ConformanceException e)
            {
                throw new ConformanceException($"{what}, item {index}: {e.Message}", e);
            }

            index++;
        }
    }

    public static async Task<TException> ThrowsAsync<TException>(Func<Task> action, [CallerArgumentExpression(nameof(action))] string? what = null)
        where TException : Exception
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (TException e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new ConformanceException($"{what}: expected {typeof(TException).Name} (or a subclass), found {e.GetType().Name}: {e.Message}", e);
        }

        throw Failed(what, $"expected {typeof(TException).Name} (or a subclass), but it completed.");
    }

    private static void SameSequence(IEnumerable<object?> expected, IEnumerable<object?> actual, string? what)
    {
        var expectedList = expected.ToList();
        var actualList = actual.ToList();
        var common = Math.Min(expectedList.Count, actualList.Count);
        var first = Enumerable.Range(0, common).FirstOrDefault(i => !Equals(expectedList[i], actualList[i]), -1);
        if (first < 0 && expectedList.Count == actualList.Count)
        {
            return;
        }

        var difference = first >= 0
            ? $"item {first} differs: expected {Format(expectedList[first])}, found {Format(actualList[first])}"
            : $"expected {expectedList.Count} items, found {actualList.Count}";
        throw Failed(what, $"{difference}.\n  expected: {Format(expectedList)}\n  found:    {Format(actualList)}");
    }

    private static ConformanceException Failed(string? what, string problem) => new($"{what}: {problem}");

    private static string Format(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable when value is not IEnumerable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => FormatItems(items.Cast<object?>(), (items as ICollection)?.Count),
        _ => value.ToString() ?? value.GetType().Name,
    };

    private static string FormatItems(IEnumerable<object?> items, int? count)
    {
        var list = items.Take(ShownItems + 1).ToList();
        var text = new StringBuilder("[");
        text.AppendJoin(", ", list.Take(ShownItems).Select(Format));
        if (list.Count > ShownItems)
        {
            text.Append(count is { } total ? $", ... ({total} items)" : ", ...");
        }

        return text.Append(']').ToString();
    }
}
