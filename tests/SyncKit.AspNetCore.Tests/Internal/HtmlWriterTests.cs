using SyncKit.AspNetCore.Internal.Html;

namespace SyncKit.AspNetCore.Tests.Internal;

public sealed class HtmlWriterTests
{
    [Fact]
    public void Write_TextHole_IsEncodedSoDataCannotInjectMarkup()
    {
        var html = new HtmlWriter();
        var tenant = "<script>alert('x')</script>\" onmouseover=\"x";

        html.Write($"<td title=\"{tenant}\">{tenant}</td>");

        html.ToString().Should().NotContain("<script>").And.NotContain("\" onmouseover")
            .And.StartWith("<td title=\"&lt;script&gt;");
    }

    [Fact]
    public void Write_MarkupHole_IsWrittenAsIs()
    {
        var html = new HtmlWriter();

        html.Write($"<p>{new Markup("<b>bold</b>")} × {3.5}</p>");

        html.ToString().Should().Be("<p><b>bold</b> × 3.5</p>");
    }
}
