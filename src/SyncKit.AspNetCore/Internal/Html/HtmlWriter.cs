using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>Markup that is already safe: written as is.</summary>
/// <param name="Value">The markup.</param>
internal readonly record struct Markup(string Value);

/// <summary>
/// Builds HTML from interpolated strings whose literal parts are markup and whose holes are text: every hole is
/// HTML-encoded unless it is <see cref="Markup"/>, so data from sources and stores can never inject markup.
/// </summary>
internal sealed class HtmlWriter
{
    // Non-ASCII text (×, →, names in any script) stays readable; markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _builder = new();

    public void Write([InterpolatedStringHandlerArgument("")] ref Handler html)
    {
        // The handler appended everything already.
    }

    public override string ToString() => _builder.ToString();

    [InterpolatedStringHandler]
    public readonly ref struct Handler
    {
        private readonly StringBuilder _builder;

        public Handler(int literalLength, int formattedCount, HtmlWriter writer)
        {
            _ = literalLength;
            _ = formattedCount;
            _builder = writer._builder;
        }

        public void AppendLiteral(string value) => _builder.Append(value);

        public void AppendFormatted(Markup value) => _builder.Append(value.Value);

        public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

        public void AppendFormatted<T>(T value, string? format)
        {
            var text = value is IFormattable formattable ? formattable.ToString(format, CultureInfo.InvariantCulture) : value?.ToString();
            _builder.Append(Encoder.Encode(text ?? string.Empty));
        }
    }
}
