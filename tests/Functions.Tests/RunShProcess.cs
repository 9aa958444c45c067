using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// The repository's <c>./run.sh</c> as a newcomer runs it, on ports of its own (the host's and Azurite's three, given by
/// the environment variables the README documents), with its own Azurite data folder and settings file. Its output is
/// kept; the PIDs of the host and Azurite are read from its "Ready on" line; cleanup kills by PID only what it started.
/// </summary>
public sealed partial class RunShProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _gate = new();

    private RunShProcess(Process process, string workDirectory, IReadOnlyList<int> ports)
    {
        _process = process;
        WorkDirectory = workDirectory;
        Ports = ports;
    }

    /// <summary>The folder holding UrgeShipment.sln (and run.sh, README.md, scripts/).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The host's port, then Azurite's blob, queue and table ports.</summary>
    public IReadOnlyList<int> Ports { get; }

    public int HostPort => Ports[0];

    public string BaseUrl => $"http://127.0.0.1:{HostPort}";

    /// <summary>A temporary folder of this run: Azurite's data (<c>azurite/</c>), the settings file, scripts' files.</summary>
    public string WorkDirectory { get; }

    public string SettingsPath => Path.Combine(WorkDirectory, "local.settings.json");

    public string AzuriteLocation => Path.Combine(WorkDirectory, "azurite");

    public int Pid => _process.Id;

    public int HostPid { get; private set; }

    public int AzuritePid { get; private set; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <c>run.sh</c> with <c>URGESHIP_PORT</c>, <c>AZURITE_*_PORT</c>, <c>AZURITE_LOCATION</c> and
    /// <c>LocalSettingsPath</c> of its own, and waits for its "Ready on" line (it prints it once <c>/health</c> answers 200).
    /// </summary>
    public static async Task<RunShProcess> StartAsync(TimeSpan timeout)
    {
        var work = Path.Combine(Path.GetTempPath(), "urgeship-runsh-" + Path.GetRandomFileName());
        Directory.CreateDirectory(work);
        var ports = FreePorts(4);
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "run.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        // What the test runner's environment might say about where the app is would not be a newcomer's.
        foreach (var name in new[] { "URGESHIP_URL", "ASPNETCORE_URLS", "URLS", "AzureWebJobsStorage", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "AZURITE_DEBUG" })
        {
            start.Environment.Remove(name);
        }
        start.Environment["URGESHIP_PORT"] = Text(ports[0]);
        start.Environment["AZURITE_BLOB_PORT"] = Text(ports[1]);
        start.Environment["AZURITE_QUEUE_PORT"] = Text(ports[2]);
        start.Environment["AZURITE_TABLE_PORT"] = Text(ports[3]);
        start.Environment["AZURITE_LOCATION"] = Path.Combine(work, "azurite");
        start.Environment["LocalSettingsPath"] = Path.Combine(work, "local.settings.json");
        // run.sh's `dotnet build` (up to date: the test build built it) leaves no MSBuild node or compiler server behind.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";

        var run = new RunShProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, work, ports);
        run._process.OutputDataReceived += (_, e) => run.Capture(e.Data);
        run._process.ErrorDataReceived += (_, e) => run.Capture(e.Data);
        run._process.Start();
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        try
        {
            await run.WaitReadyAsync(timeout);
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
        return run;
    }

    /// <summary>Everything run.sh (and the host it started) printed so far.</summary>
    public string Output()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    /// <summary>SIGTERM to run.sh's own PID only (not its process group): what <c>kill &lt;pid of run.sh&gt;</c> does.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", Text(Pid)]))
        {
            await kill.WaitForExitAsync();
        }
        var waited = Stopwatch.StartNew();
        while (!_process.HasExited)
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"run.sh did not exit within {timeout} of SIGTERM:{Environment.NewLine}{Output()}");
            }
            await Task.Delay(100);
        }
        // Its output to the end, unless a process it started (and left running) still holds its stdout.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // the assertions on its children say what is left
        }
    }

    /// <summary>Whether a process runs (a zombie, dead and awaiting its parent, does not).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether something listens on a loopback port.</summary>
    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // run.sh's own handler stops what it started (the host may not have been announced yet); then SIGKILL.
            try
            {
                await TerminateAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill();
            }
        }
        // The host and Azurite, by PID, only while the PID is still the process this run started (its port, its folder).
        KillIfOurs(HostPid, $"127.0.0.1:{HostPort}");
        KillIfOurs(AzuritePid, AzuriteLocation);
        _process.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a temporary folder: best effort
        }
    }

    private void KillIfOurs(int pid, string mark)
    {
        if (pid <= 0 || !IsRunning(pid))
        {
            return;
        }
        try
        {
            if (File.ReadAllText($"/proc/{pid}/cmdline").Contains(mark, StringComparison.Ordinal))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // gone meanwhile
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"run.sh exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{Output()}");
            }
            string[] lines;
            lock (_gate)
            {
                lines = [.. _output];
            }
            foreach (var line in lines)
            {
                var ready = ReadyLine().Match(line);
                if (ready.Success)
                {
                    Assert.Equal(BaseUrl, ready.Groups["url"].Value);
                    HostPid = int.Parse(ready.Groups["host"].Value, CultureInfo.InvariantCulture);
                    AzuritePid = int.Parse(ready.Groups["azurite"].Value, CultureInfo.InvariantCulture);
                    return;
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"run.sh was not ready within {timeout}:{Environment.NewLine}{Output()}");
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _output.Add(line);
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(System.Net.IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UrgeShipment.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No UrgeShipment.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"Ready on (?<url>\S+) \(host pid (?<host>\d+), Azurite pid (?<azurite>\d+)\)")]
    private static partial Regex ReadyLine();
}
