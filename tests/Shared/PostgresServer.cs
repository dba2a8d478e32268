using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SyncKit.TestPostgres;

/// <summary>
/// The PostgreSQL server of a test run: the one named by <c>SYNCKIT_TEST_POSTGRES</c>, or a throwaway server
/// this class starts once per test process (initdb into a temporary directory, a free loopback port) and
/// stops when the process exits. When neither works, every test fails with what to install or set.
/// </summary>
public sealed class PostgresServer
{
    public const string EnvironmentVariable = "SYNCKIT_TEST_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> s_instance = new(StartAsync);

    private PostgresServer(string connectionString) => ConnectionString = connectionString;

    /// <summary>The run's server, started on first use.</summary>
    public static Task<PostgresServer> InstanceAsync() => s_instance.Value;

    /// <summary>Connects as a superuser to the server's default database.</summary>
    public string ConnectionString { get; }

    /// <summary>A connection string for a data source of the tests, with a pool small enough for many at once.</summary>
    public string ConnectionStringWith(string applicationName, int maxPoolSize = 20) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = applicationName, MaxPoolSize = maxPoolSize }.ConnectionString;

    private static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            await EnsureReachableAsync(configured, $"{EnvironmentVariable} is set, but ");
            return new PostgresServer(configured);
        }

        var bin = FindServerBinaries() ?? throw new InvalidOperationException(
            "The PostgreSQL tests need a PostgreSQL server. Install one (Debian/Ubuntu: `apt-get install -y postgresql`; " +
            $"eng/test.sh does this when it is missing) so the tests can start a throwaway server, or set {EnvironmentVariable} " +
            "to the connection string of a server where the tests may create schemas (for example " +
            "`Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database=postgres`).");

        DeleteStoppedServers();
        var dataDir = Directory.CreateTempSubdirectory("synckit-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", ["postgres:postgres", dataDir], asRoot: false);
        }

        var port = FreeLoopbackPort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"], asRoot);
        await RunAsync(
            Path.Combine(bin, "pg_ctl"),
            ["-D", dataDir, "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60", "-o",
             $"-p {port} -k {dataDir} -c listen_addresses=127.0.0.1 -c max_connections=300", "start"],
            asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"], asRoot).GetAwaiter().GetResult();

        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
        await EnsureReachableAsync(connectionString, "a throwaway server was started, but ");
        return new PostgresServer(connectionString);
    }

    /// <summary>
    /// Deletes the directories of earlier runs' servers: the test process exits before it could delete its own,
    /// so each run removes the stopped ones (no <c>postmaster.pid</c>) that are older than any run still starting.
    /// </summary>
    private static void DeleteStoppedServers()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), "synckit-pg-*"))
        {
            if (!File.Exists(Path.Combine(directory, "postmaster.pid")) && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddMinutes(-10))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Another run is deleting it.
                }
            }
        }
    }

    private static string? FindServerBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task EnsureReachableAsync(string connectionString, string context)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The PostgreSQL tests cannot run: {context}connecting failed: {ex.Message}", ex);
        }
    }

    private static async Task RunAsync(string file, string[] arguments, bool asRoot)
    {
        var start = new ProcessStartInfo(asRoot ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests could not start a throwaway server: `{file} {string.Join(' ', arguments)}` exited {process.ExitCode}: {await error}{await output}");
        }
    }
}
