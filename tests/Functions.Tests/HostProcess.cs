using System.Diagnostics;
using System.Net.Sockets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// The built self-host (UrgeShipment.SelfHost.dll) as its own process, as an operator runs it: settings as environment
/// variables, a port of its own, a worker id of its own (or a given one, to restart "the same" host), stopped by its PID
/// or killed (SIGKILL) to test crashes.
/// </summary>
public sealed class HostProcess : IApp, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _gate = new();
    private TimeSpan _offset;

    private readonly StreamWriter _log;
    private bool _closed;

    private HostProcess(Process process, string baseUrl, string workerId, string logPath)
    {
        _process = process;
        LogPath = logPath;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        _log = new StreamWriter(logPath) { AutoFlush = true };
        BaseUrl = baseUrl;
        WorkerId = workerId;
    }

    public string BaseUrl { get; }

    public string WorkerId { get; }

    /// <summary>Everything the process printed, kept for a failed test (the last lines also go into its message).</summary>
    public string LogPath { get; }

    public DateTimeOffset Now => TimeProvider.System.GetUtcNow() + _offset;

    public void ClockAdvanced(TimeSpan offset) => _offset = offset;

    public HttpClient CreateClient() => new() { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Starts a self-host on <paramref name="hub"/> and waits until <c>/health</c> answers 200 and its dev clock is read.</summary>
    public static async Task<HostProcess> StartAsync(AzuriteServer azurite, string hub, string workerId, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "UrgeShipment.SelfHost.dll");
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { dll, "--urls", baseUrl })
        {
            start.ArgumentList.Add(argument);
        }
        var settings = new Dictionary<string, string?>(TicketHost.Settings(azurite.ConnectionString, hub)) { ["Durable:WorkerId"] = workerId };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__UrgeShipment"] = "Information";

        var host = new HostProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, baseUrl, workerId,
            Path.Combine(Path.GetTempPath(), "urgeshipment-hosts", $"{hub}-{workerId}-{port}.log"));
        host._process.OutputDataReceived += (_, e) => host.Capture(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Capture(e.Data);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            await host.WaitHealthyAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>SIGKILL: no shutdown, no flush; whatever was in flight is where DTF left it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public string RecentOutput() => $"(all of it: {LogPath}){Environment.NewLine}{Output()}";

    public string Output()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _output.TakeLast(80));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_gate)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    private async Task WaitHealthyAsync()
    {
        using var client = CreateClient();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The self-host exited with code {_process.ExitCode}.{Environment.NewLine}{Output()}");
            }
            try
            {
                using var health = await client.GetAsync("/health");
                if (health.IsSuccessStatusCode)
                {
                    using var admin = this.As(TicketHost.AdminKey);
                    var clock = System.Text.Json.Nodes.JsonNode.Parse(await admin.GetStringAsync("/api/dev/clock"))!;
                    _offset = System.Xml.XmlConvert.ToTimeSpan((string)clock["offset"]!);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The self-host did not become healthy within {StartTimeout}.{Environment.NewLine}{Output()}");
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.Add(line);
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
