using System.Globalization;
using System.Text;

namespace SyncKit.CrashHost;

/// <summary>
/// The file mode's durable state: the job's checkpoint and the destination's rows, written whole after every
/// commit of the in-memory store and replaced atomically (temporary file, fsync, rename).
/// </summary>
/// <param name="Checkpoint">The checkpoint, if any.</param>
/// <param name="Rows">Each row's version and how many times it was written.</param>
internal sealed record FileSnapshot(Cursor? Checkpoint, IReadOnlyDictionary<string, (long Version, int Writes)> Rows)
{
    public static FileSnapshot Empty { get; } = new(null, new Dictionary<string, (long, int)>());

    public static FileSnapshot Read(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        var checkpoint = ParseCursor(reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty."));
        var rows = new Dictionary<string, (long, int)>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            rows.Add(parts[0], (long.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture)));
        }

        return new FileSnapshot(checkpoint, rows);
    }

    public void Write(string path)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                writer.Write(FormatCursor(Checkpoint));
                writer.Write('\n');
                foreach (var (key, (version, writes)) in Rows)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"{key} {version} {writes}\n"));
                }
            }

            stream.Flush(flushToDisk: true);
        }

        // rename(2) replaces the old snapshot atomically: a kill leaves the old one or the new one, never half of one.
        File.Move(temporary, path, overwrite: true);
    }

    private static string FormatCursor(Cursor? cursor) => cursor switch
    {
        null => "-",
        { Timestamp: { } timestamp } => string.Create(CultureInfo.InvariantCulture, $"{timestamp.UtcTicks} {cursor.Id}"),
        _ => throw new NotSupportedException("The crash source's positions all have timestamps."),
    };

    private static Cursor? ParseCursor(string line)
    {
        if (line == "-")
        {
            return null;
        }

        var parts = line.Split(' ');
        return Cursor.At(new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero), parts[1]);
    }
}
