using System.Diagnostics;
using System.Text;

namespace SyncKit.Postgres.Tests.Infrastructure;

/// <summary>A running SyncKit.Postgres.Host child process that a test kills with SIGKILL.</summary>
public sealed class HostProcess : IDisposable
{
    /// <summary>Tests that run host processes run one at a time, so their timings do not compete with each other.</summary>
    public const string Collection = "Host processes";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static HostProcess Start(string mode, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SyncKit.Postgres.Host.dll"));
        start.ArgumentList.Add(mode);
        foreach (var (name, value) in settings)
        {
            start.ArgumentList.Add($"{name}={value}");
        }

        var host = new HostProcess(new Process { StartInfo = start });
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host._process.Start();
        try
        {
            // The takeover-time assertion measures the lease protocol, not how a busy shared machine schedules
            // processes: where allowed (root), hosts run ahead of unrelated work.
            host._process.PriorityClass = ProcessPriorityClass.High;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
        }

        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>SIGKILL: the process gets no chance to finish a batch, roll back or release its leases.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Fails when the process ended on its own (it should run until killed).</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The host exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
