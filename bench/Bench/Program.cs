using UrgeShipment.Bench;

// Benchmarks a running UrgeShipment host through its HTTP contract and GET /metrics. See bench/README.md.
var options = Options.Parse(args);
switch (options.Mode)
{
    case "settings-report":
        return await SettingsReport.RenderAsync(options);
    case "settings-pick":
        return SettingsReport.Pick(options);
    case "settings-plan":
        return SettingsReport.Plan(options);
    case "report":
        return await RunReport.RenderAsync(options);
    case "ours" or "settings":
        break;
    default:
        throw new ArgumentException($"Unknown --mode {options.Mode}.");
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(options.TimeoutMinutes));
using var host = new HostClient(options);
return options.Mode == "settings"
    ? await SettingsRun.RunAsync(options, host, Console.Error, cancel.Token)
    : await OursRun.RunAsync(options, host, cancel.Token);
