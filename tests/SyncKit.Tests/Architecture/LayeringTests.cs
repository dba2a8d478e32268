using System.Text.RegularExpressions;

namespace SyncKit.Tests.Architecture;

/// <summary>
/// The core's folders keep the layering docs/architecture.md draws: foundation ← contracts ← core services ← engine
/// ← features ← hosting. A type may use types of its own folder, of folders in lower layers, and of folders of its
/// own layer as long as no cycle forms; an arrow back up, a cycle, or a folder the table does not place fails.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly string[][] Layers =
    [
        ["(root)", "Internal", "Cursors", "Errors"],
        ["Sources", "Destinations", "State"],
        ["Diagnostics", "Leases", "Jobs"],
        ["Resilience", "Engine"],
        ["Operations", "DeadLetters", "Runs", "Retention", "Reconciliation", "Health"],
        ["Hosting"],
    ];

    [Fact]
    public void CoreFolders_EveryArrow_PointsDownOrAcrossWithoutACycle()
    {
        var arrows = Arrows();
        var layerOf = Layers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(p => p.f, p => p.layer);

        arrows.Keys.SelectMany(a => new[] { a.From, a.To }).Distinct().Where(f => !layerOf.ContainsKey(f))
            .Should().BeEmpty("every folder of src/SyncKit has its place in docs/architecture.md and in this table");
        arrows.Where(a => layerOf[a.Key.To] > layerOf[a.Key.From]).Select(Describe)
            .Should().BeEmpty("a folder uses only its own layer and the layers below it");
        Cycle(arrows.Keys).Should().BeEmpty("folders of one layer use each other one way only");
    }

    [Fact]
    public void Arrows_AnEngineTypeThatUsedAHostingType_WouldBeFound()
    {
        // The scan itself: the engine's real arrows down are found, so an arrow up would be found the same way.
        var arrows = Arrows();

        arrows.Keys.Should().Contain(("Engine", "Jobs")).And.Contain(("Hosting", "Engine")).And.Contain(("Reconciliation", "Engine"));
        arrows[("Engine", "Jobs")].Should().Contain(use => use.Contains("SyncJobOptions", StringComparison.Ordinal));
    }

    private static string Describe(KeyValuePair<(string From, string To), SortedSet<string>> arrow) =>
        $"{arrow.Key.From} -> {arrow.Key.To} ({string.Join(", ", arrow.Value.Take(5))})";

    /// <summary>Every folder-to-folder use: which file of a folder names a type declared in another.</summary>
    private static Dictionary<(string From, string To), SortedSet<string>> Arrows()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "SyncKit");
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(core, f).Split(Path.DirectorySeparatorChar) is not ["bin" or "obj", ..])
            .Select(f => (Folder: FolderOf(core, f), Name: Path.GetFileName(f), Code: CodeOnly(File.ReadAllText(f))))
            .ToList();

        // A name declared in two folders (a private nested type, say) says nothing about which one a use means.
        var declared = files
            .SelectMany(f => Declaration().Matches(f.Code).Select(m => (Type: m.Groups[1].Value, f.Folder)))
            .GroupBy(d => d.Type)
            .Where(g => g.Select(d => d.Folder).Distinct().Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Folder);

        var arrows = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var file in files)
        {
            foreach (var name in Identifier().Matches(file.Code).Select(m => m.Value).Distinct())
            {
                if (declared.TryGetValue(name, out var folder) && folder != file.Folder)
                {
                    if (!arrows.TryGetValue((file.Folder, folder), out var uses))
                    {
                        arrows[(file.Folder, folder)] = uses = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    uses.Add($"{file.Name} uses {name}");
                }
            }
        }

        return arrows;
    }

    /// <summary>A cycle among the folders, as "A -> B -> A", or an empty list.</summary>
    private static List<string> Cycle(IEnumerable<(string From, string To)> arrows)
    {
        var next = arrows.GroupBy(a => a.From).ToDictionary(g => g.Key, g => g.Select(a => a.To).Order(StringComparer.Ordinal).ToList());
        var done = new HashSet<string>();
        var path = new List<string>();
        foreach (var start in next.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return [cycle];
            }
        }

        return [];

        string? Visit(string folder)
        {
            if (path.Contains(folder))
            {
                return string.Join(" -> ", path.Skip(path.IndexOf(folder)).Append(folder));
            }

            if (!done.Add(folder))
            {
                return null;
            }

            path.Add(folder);
            foreach (var to in next.GetValueOrDefault(folder, []))
            {
                if (Visit(to) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }

    private static string FolderOf(string core, string file) =>
        Path.GetRelativePath(core, file).Split(Path.DirectorySeparatorChar) is [var first, _, ..] ? first : "(root)";

    /// <summary>The code without comments and string literals, whose words are not uses.</summary>
    private static string CodeOnly(string source) => NotCode().Replace(source, " ");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SyncKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SyncKit.sln above {AppContext.BaseDirectory}: the layering test reads the sources of src/SyncKit.");
    }

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+([A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""[\s\S]*?""""""|@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)'", RegexOptions.Singleline)]
    private static partial Regex NotCode();
}
