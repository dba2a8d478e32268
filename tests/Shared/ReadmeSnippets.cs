using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SyncKit.TestDocs;

/// <summary>
/// The complete files a README shows: each C# block whose fence reads <c>```csharp complete SDK</c> is a file a reader
/// pastes into a new app of that SDK (renderers show the block as C# and ignore the words after the language); a last
/// word names the test framework the file is a test of (<c>```csharp complete Microsoft.NET.Sdk nunit</c>), and the
/// test project of that framework compiles it. <see cref="Compile"/> compiles one as that app would: in the
/// global namespace, with only that SDK's implicit usings, against the packages' public API (the compiled assembly's
/// name is not one the packages show their internals to), warnings as errors.
/// </summary>
internal static partial class ReadmeSnippets
{
    // The implicit global usings of each SDK (the .NET SDK's Microsoft.NET.Sdk*.props).
    private static readonly string[] ConsoleUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] WorkerUsings =
        [.. ConsoleUsings, "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging"];

    private static readonly string[] WebUsings =
        [.. WorkerUsings, "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing"];

    /// <summary>
    /// A complete file a README shows, with the SDK of the app it belongs in and the test framework it is a test of
    /// (empty when it needs none but the xunit that the repository's test projects run on).
    /// </summary>
    public sealed record Snippet(string Readme, string Sdk, string Code, string TestFramework = "")
    {
        /// <inheritdoc />
        public override string ToString() => TestFramework.Length == 0 ? $"{Readme} ({Sdk})" : $"{Readme} ({Sdk}, {TestFramework})";
    }

    /// <summary>The repository's root: the folder above the test assembly that holds SyncKit.sln.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SyncKit.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("SyncKit.sln not found above the test assembly.");
    }

    /// <summary>The complete files <paramref name="readme"/> (a path from the repository root) shows, in order.</summary>
    public static IReadOnlyList<Snippet> CompleteFiles(string readme)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), readme)).ReplaceLineEndings("\n");
        return [.. CompleteFilePattern().Matches(text).Select(m => new Snippet(readme, m.Groups["sdk"].Value, m.Groups["code"].Value, m.Groups["framework"].Value))];
    }

    /// <summary>Compiles a snippet as the only file of an app of its SDK, and loads it.</summary>
    /// <exception cref="InvalidOperationException">It does not compile cleanly; the message lists every diagnostic.</exception>
    public static Assembly Compile(Snippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        var usings = snippet.Sdk switch
        {
            "Microsoft.NET.Sdk" => ConsoleUsings,
            "Microsoft.NET.Sdk.Worker" => WorkerUsings,
            "Microsoft.NET.Sdk.Web" => WebUsings,
            _ => throw new InvalidOperationException($"{snippet.Readme}: unknown SDK '{snippet.Sdk}'."),
        };
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var code = CSharpSyntaxTree.ParseText(snippet.Code, parse, path: snippet.Readme);
        var globalUsings = CSharpSyntaxTree.ParseText(string.Concat(usings.Select(u => $"global using global::{u};\n")), parse, path: "GlobalUsings.g.cs");
        var hasTopLevelStatements = code.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "ReaderApp" + Guid.NewGuid().ToString("N"),
            [globalUsings, code],
            References(),
            new CSharpCompilationOptions(hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    // Reference-version unification notes, which the SDK silences too.
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!result.Success || problems.Count > 0)
        {
            throw new InvalidOperationException($"{snippet} does not compile as pasted:\n{string.Join("\n", problems)}");
        }

        return Assembly.Load(image.ToArray());
    }

    // Every managed assembly the test host runs with (the framework, the packages and their dependencies) but the
    // test assembly itself.
    private static List<MetadataReference> References() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => IsManaged(path) && !string.Equals(Path.GetFullPath(path), Path.GetFullPath(typeof(ReadmeSnippets).Assembly.Location), StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    private static bool IsManaged(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }

    [GeneratedRegex(@"^```csharp complete (?<sdk>[\w.]+)(?: (?<framework>\w+))?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CompleteFilePattern();
}
