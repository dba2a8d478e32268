// The consumer test's app: the dashboard in a web app over a SQLite store, built against the packages by version. It
// runs a job once, then checks what a new user meets first, and exits non-zero naming what failed.
using SyncKit;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSyncKit(kit => kit
    .UseSqlite("state/synckit.db")
    .ConfigureScheduler(s => s.Enabled = false)
    .AddJob<Note>("notes", job => job
        .ForTenants("acme")
        .UseSource((sp, tenant) => new NoteSource())
        .UseDestination((sp, tenant) => new NoteLog())));
builder.Services.AddSyncKitDashboard();
builder.Services.AddHealthChecks().AddSyncKit();

await using var app = builder.Build();
app.MapSyncKitDashboard("/synckit");
app.MapHealthChecks("/healthz");
await app.StartAsync();

var failures = new List<string>();
var run = await app.Services.GetRequiredService<SyncJobRunner>().RunAsync(new JobId("acme", "notes"));
Check(run.Outcome == RunOutcome.Succeeded && run.Counts.Written == 2, $"the run wrote 2 records ({run.Outcome}, written {run.Counts.Written}, {run.Error})");
Check(File.Exists(Path.Combine(app.Environment.ContentRootPath, "state", "synckit.db")), "UseSqlite created state/synckit.db under the content root");

using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
Check(health.IsSuccessStatusCode && await health.Content.ReadAsStringAsync() == "Healthy", $"/healthz answered Healthy ({(int)health.StatusCode})");
var dashboard = await http.GetAsync(new Uri("/synckit", UriKind.Relative));
Check(dashboard.IsSuccessStatusCode && (await dashboard.Content.ReadAsStringAsync()).Contains("acme", StringComparison.Ordinal), $"the dashboard lists the tenant ({(int)dashboard.StatusCode})");
await app.StopAsync();

foreach (var failure in failures)
{
    Console.Error.WriteLine($"consumer check failed: {failure}");
}

Console.WriteLine(failures.Count == 0 ? "consumer checks passed" : $"{failures.Count} consumer check(s) failed");
return failures.Count == 0 ? 0 : 1;

void Check(bool passed, string what)
{
    if (!passed)
    {
        failures.Add(what);
    }
}

public sealed record Note(int Id, string Text, DateTimeOffset UpdatedAt);

public sealed class NoteSource : ISource<Note>
{
    private static readonly Note[] Notes =
    [
        new(1, "first", new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)),
        new(2, "second", new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)),
    ];

    public ValueTask<SourcePage<Note>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken ct)
    {
        var changed = Notes
            .Select(n => new SourceRecord<Note>($"{n.Id}", Cursor.At(n.UpdatedAt, $"{n.Id}"), n))
            .Where(r => after is null || r.Position.CompareTo(after) > 0)
            .ToList();
        var page = changed.Take(context.PageSize).ToList();
        return ValueTask.FromResult(new SourcePage<Note>(page, HasMore: changed.Count > page.Count));
    }
}

public sealed class NoteLog : IDestination<Note>
{
    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Note> batch, CancellationToken ct) =>
        ValueTask.FromResult(RecordOutcomes.All(RecordOutcome.Written, batch.Records.Count));
}
