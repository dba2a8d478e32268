using System.Net;
using System.Text.RegularExpressions;

namespace SyncKit.AspNetCore.Tests;

/// <summary>
/// Accessibility basics on every page: a title, one top heading and no skipped heading level, a label for every
/// control, and no script, so everything reads without JavaScript.
/// </summary>
public sealed partial class AccessibilityTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    public static TheoryData<string> Pages { get; } = new()
    {
        "/synckit",
        "/synckit/?state=Degraded&q=ac&limit=1",
        "/synckit/?q=nobody",
        "/synckit/tenants/acme",
        "/synckit/runs/{orders-1}",
        "/synckit/runs/{reset}",
        "/synckit/runs/{reconcile}",
        "/synckit/dead-letters",
        "/synckit/replay",
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_AsServed_HasTitleHeadingsLabelledControlsAndNoScript(string path)
    {
        var html = await GetAsync(ResolveRuns(path));

        TitleRegex().Match(html).Groups[1].Value.Trim().Should().NotBeEmpty("{0} needs a title", path);
        HtmlLangRegex().IsMatch(html).Should().BeTrue("{0} names its language", path);
        var levels = HeadingRegex().Matches(html).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        levels.Count(l => l == 1).Should().Be(1, "{0} has exactly one top heading", path);
        levels.Zip(levels.Skip(1)).Where(pair => pair.Second > pair.First + 1).Should().BeEmpty("{0} does not skip heading levels", path);
        html.Should().NotContainEquivalentOf("<script", "{0} must read without JavaScript", path);

        var labelled = LabelForRegex().Matches(html).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (Match control in ControlRegex().Matches(html))
        {
            var tag = control.Value;
            if (tag.Contains("type=\"hidden\"", StringComparison.Ordinal))
            {
                continue;
            }

            var id = IdRegex().Match(tag).Groups[1].Value;
            var named = tag.Contains("aria-label=\"", StringComparison.Ordinal)
                || (id.Length > 0 && labelled.Contains(id))
                || (tag.StartsWith("<button", StringComparison.Ordinal) && ButtonTextRegex().IsMatch(html[control.Index..]));
            named.Should().BeTrue("every control on {0} needs a label, and {1} has none", path, tag);
        }
    }

    private string ResolveRuns(string path) =>
        RunPlaceholderRegex().Replace(path, m => fixture.Host.Runs[m.Groups[1].Value]);

    private async Task<string> GetAsync(string path)
    {
        using var client = fixture.Host.CreateClient();
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} should succeed", path);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex(@"<title>([^<]*)</title>")]
    private static partial Regex TitleRegex();

    [GeneratedRegex(@"<html[^>]* lang=""[a-z]")]
    private static partial Regex HtmlLangRegex();

    [GeneratedRegex(@"<h([1-6])[\s>]")]
    private static partial Regex HeadingRegex();

    [GeneratedRegex(@"<label[^>]* for=""([^""]+)""")]
    private static partial Regex LabelForRegex();

    [GeneratedRegex(@"<(?:input|select|textarea|button)\b[^>]*>")]
    private static partial Regex ControlRegex();

    [GeneratedRegex(@" id=""([^""]+)""")]
    private static partial Regex IdRegex();

    // A button named by its own visible text: `<button ...>Retry</button>`.
    [GeneratedRegex(@"^<button\b[^>]*>\s*[^<\s][^<]*</button>")]
    private static partial Regex ButtonTextRegex();

    [GeneratedRegex(@"\{([a-z0-9-]+)\}")]
    private static partial Regex RunPlaceholderRegex();
}
