using System.Globalization;

namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>Draws a job's lag over time as inline SVG on the server: no script, no external asset.</summary>
internal static class LagChart
{
    private const double Width = 640;
    private const double Height = 200;
    private const double Left = 56;
    private const double Right = 12;
    private const double Top = 12;
    private const double Bottom = 28;

    public static void Write(HtmlWriter html, LagSeries series)
    {
        var label = $"Lag of {series.Stream} at the end of its last {series.Points.Count} run(s); stalled above {Formats.Duration(series.StalledAfter)}";
        if (series.Points.Count == 0)
        {
            html.Write($"<p class=\"muted\">No finished run of {series.Stream} yet: no lag to chart.</p>");
            return;
        }

        var points = series.Points;
        var first = points[0].At;
        var span = Math.Max(1, (points[^1].At - first).TotalSeconds);
        var limit = series.StalledAfter.TotalSeconds;
        var max = Math.Max(points.Max(p => p.LagSeconds), limit) * 1.1;
        double X(DateTimeOffset at) => Left + ((at - first).TotalSeconds / span * (Width - Left - Right));
        double Y(double lag) => Top + ((1 - (lag / max)) * (Height - Top - Bottom));

        var line = string.Join(' ', points.Select(p => Num(X(p.At)) + "," + Num(Y(p.LagSeconds))));
        html.Write($"<figure class=\"chart\"><svg class=\"lag-chart\" data-stream=\"{series.Stream}\" role=\"img\" aria-label=\"{label}\" viewBox=\"0 0 {Num(Width)} {Num(Height)}\" width=\"{Num(Width)}\" height=\"{Num(Height)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        html.Write($"<title>{label}</title>");
        html.Write($"<line class=\"axis\" x1=\"{Num(Left)}\" y1=\"{Num(Height - Bottom)}\" x2=\"{Num(Width - Right)}\" y2=\"{Num(Height - Bottom)}\"/>");
        html.Write($"<line class=\"axis\" x1=\"{Num(Left)}\" y1=\"{Num(Top)}\" x2=\"{Num(Left)}\" y2=\"{Num(Height - Bottom)}\"/>");
        html.Write($"<line class=\"limit\" x1=\"{Num(Left)}\" y1=\"{Num(Y(limit))}\" x2=\"{Num(Width - Right)}\" y2=\"{Num(Y(limit))}\"/>");
        html.Write($"<text x=\"{Num(Width - Right)}\" y=\"{Num(Y(limit) - 4)}\" text-anchor=\"end\">stalled {Formats.Duration(series.StalledAfter)}</text>");
        html.Write($"<text x=\"{Num(Left - 6)}\" y=\"{Num(Top + 10)}\" text-anchor=\"end\">{Formats.Duration(TimeSpan.FromSeconds(max))}</text>");
        html.Write($"<text x=\"{Num(Left - 6)}\" y=\"{Num(Height - Bottom)}\" text-anchor=\"end\">0</text>");
        html.Write($"<text x=\"{Num(Left)}\" y=\"{Num(Height - 8)}\">{Formats.Time(first)}</text>");
        html.Write($"<text x=\"{Num(Width - Right)}\" y=\"{Num(Height - 8)}\" text-anchor=\"end\">{Formats.Time(points[^1].At)}</text>");
        html.Write($"<polyline class=\"lag\" points=\"{line}\"/>");
        foreach (var point in points)
        {
            var bad = point.Outcome is RunOutcome.Succeeded or RunOutcome.CompletedWithDeadLetters ? string.Empty : " failed";
            html.Write($"<circle class=\"point{bad}\" cx=\"{Num(X(point.At))}\" cy=\"{Num(Y(point.LagSeconds))}\" r=\"3\"><title>{Formats.Time(point.At)}: {Formats.Duration(TimeSpan.FromSeconds(point.LagSeconds))} ({point.Outcome})</title></circle>");
        }

        html.Write($"</svg><figcaption>Lag of <strong>{series.Stream}</strong> at each run's end (cadence {Formats.Duration(series.Cadence)}).</figcaption></figure>");
    }

    private static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
