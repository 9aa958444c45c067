using System.Diagnostics;
using System.Text.RegularExpressions;

#pragma warning disable CA1716 // The namespace name is fixed: other test projects compile this file and use it.
namespace UrgeShipment.Tests.Shared;
#pragma warning restore CA1716

/// <summary>
/// A real Azurite (from <c>node_modules/.bin/azurite</c>) on loopback ports chosen by the OS, with its own
/// temporary data directory; killed (process tree) on dispose. Use as <c>IClassFixture</c> or
/// <c>ICollectionFixture</c>; isolate tests by unique hub names / table prefixes.
/// </summary>
public sealed partial class AzuriteServer : IDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly List<string> _output = [];
    private readonly object _gate = new();

    public AzuriteServer()
    {
        var root = FindRepositoryRoot();
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: '{azurite}' does not exist. Run `npm ci` in '{root}' first.");
        }

        _dataDirectory = Path.Combine(Path.GetTempPath(), "urgeship-azurite-" + Environment.ProcessId + "-" + Path.GetRandomFileName());
        Directory.CreateDirectory(_dataDirectory);

        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var argument in new[]
                 {
                     "--silent", "--location", _dataDirectory,
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", "0", "--queuePort", "0", "--tablePort", "0",
                     "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        int? queuePort = null, tablePort = null, blobPort = null;
        using var ready = new ManualResetEventSlim();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => ready.Set();

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _output.Add(line);
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    switch (match.Groups["service"].Value)
                    {
                        case "Queue": queuePort = port; break;
                        case "Table": tablePort = port; break;
                        case "Blob": blobPort = port; break;
                    }
                }

                if (queuePort is not null && tablePort is not null && blobPort is not null)
                {
                    ready.Set();
                }
            }
        }

        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        if (!ready.Wait(StartTimeout) || queuePort is null || tablePort is null || blobPort is null)
        {
            string output;
            lock (_gate)
            {
                output = string.Join(Environment.NewLine, _output);
            }

            Dispose();
            throw new InvalidOperationException($"Azurite did not start within {StartTimeout}. Output:{Environment.NewLine}{output}");
        }

        QueuePort = queuePort.Value;
        TablePort = tablePort.Value;
        BlobPort = blobPort.Value;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";
    }

    /// <summary>A storage connection string for this Azurite.</summary>
    public string ConnectionString { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public int BlobPort { get; }

    /// <summary>A fresh name (letters and digits) to isolate one test's tables and queues.</summary>
    public static string UniqueName(string prefix) =>
        prefix + Guid.NewGuid().ToString("N")[..10];

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already gone
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory
        }
        catch (UnauthorizedAccessException)
        {
            // best effort: a temp directory
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

        throw new InvalidOperationException(
            $"Could not find UrgeShipment.sln above '{AppContext.BaseDirectory}' to locate node_modules/.bin/azurite.");
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>One Azurite per test assembly: mark test classes <c>[Collection(AzuriteCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
