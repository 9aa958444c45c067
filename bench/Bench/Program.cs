using UrgeShipment.Bench;

// Benchmarks a running UrgeShipment host through its HTTP contract and GET /metrics. See bench/README.md.
var options = Options.Parse(args);
if (options.Mode != "run")
{
    throw new ArgumentException($"Unknown --mode {options.Mode}.");
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(options.TimeoutMinutes));
using var host = new HostClient(options);
return await BenchRun.RunAsync(options, host, Console.Error, cancel.Token);
