using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UrgeShipment.Functions.Tests;

/// <summary>
/// README.md's quick start as a newcomer follows it: <c>./run.sh</c> (on ports of its own, through the environment variables
/// the README documents), then the "Try it" block and the hand-signed webhook, each command run in one bash in the
/// repository root and required to exit 0, with what the README's <c># →</c> lines claim checked in each answer; the
/// demo script's printed next command run as printed after the dev-clock jump; and SIGTERM to run.sh's PID alone
/// stopping the host and Azurite and freeing every port.
/// </summary>
public sealed partial class QuickStartTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan CommandsTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RunSh_OnPortsOfItsOwn_ReadmeQuickStartSucceedsCommandByCommand_AndSigtermToRunShStopsHostAndAzurite()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RunShProcess.RepositoryRoot, "README.md"));
        Assert.Equal(new[] { "./run.sh" }, FirstBlockAfter(readme, "## Quick start"));
        var quickStart = Block(readme, "quick-start");
        var signedWebhook = Block(readme, "signed-webhook");

        await using var run = await RunShProcess.StartAsync(StartTimeout);
        var (host, blob, queue, table) = (run.Ports[0], run.Ports[1], run.Ports[2], run.Ports[3]);
        var started = run.Output();
        // Each phase is shown; Azurite's own ports reach the host as AzureWebJobsStorage; Azurite writes no debug log.
        Assert.Contains($"Created {run.SettingsPath} from local.settings.sample.json.", started, StringComparison.Ordinal);
        Assert.Contains($"Starting Azurite on 127.0.0.1: blob {blob}, queue {queue}, table {table}", started, StringComparison.Ordinal);
        Assert.Contains("The host gets AzureWebJobsStorage for these ports", started, StringComparison.Ordinal);
        Assert.Contains("Building src/SelfHost", started, StringComparison.Ordinal);
        Assert.Contains($"Starting the host on http://127.0.0.1:{host}", started, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run.AzuriteLocation, "debug.log")), "Azurite writes a debug log by default");

        // The README's commands, in order, in one bash (as in one terminal), each required to succeed.
        var commands = quickStart.Concat(signedWebhook).ToList();
        var script = new StringBuilder("exec 2>&1\n");
        for (var i = 0; i < commands.Count; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"printf '@@begin {i}\\n'\n{commands[i].Text}\n")
                .Append(CultureInfo.InvariantCulture, $"__status=$?; printf '\\n@@end {i} %s\\n' \"$__status\"; [ \"$__status\" = 0 ] || exit \"$__status\"\n");
            if (i == quickStart.Count - 1)
            {
                script.Append("printf '@@tickets %s %s\\n' \"$TICKET\" \"$UNANSWERED\"\n");
            }
        }
        var (exit, output) = await BashAsync(run, script.ToString());
        var steps = Steps(output);
        for (var i = 0; i < commands.Count; i++)
        {
            Assert.True(steps.TryGetValue(i, out var step), $"README command {i} did not run:{Environment.NewLine}{commands[i].Text}{Environment.NewLine}{output}");
            Assert.True(step.Exit == 0, $"README command exited {step.Exit}:{Environment.NewLine}{commands[i].Text}{Environment.NewLine}{step.Output}");
            foreach (var (key, value) in commands[i].Claims)
            {
                Assert.True(step.Output.Contains($"\"{key}\":\"{value}\"", StringComparison.Ordinal),
                    $"The README says \"{key}\":\"{value}\" after{Environment.NewLine}{commands[i].Text}{Environment.NewLine}but it answered:{Environment.NewLine}{step.Output}");
            }
        }
        Assert.Equal(0, exit);

        // The tickets end where the README says: the replied one awaits shipment, the unanswered one lapsed and paid.
        var tickets = TicketsLine().Match(output);
        Assert.True(tickets.Success, output);
        using var admin = new HttpClient { BaseAddress = new Uri(run.BaseUrl) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", "dev-admin-key");
        var replied = JsonNode.Parse(await admin.GetStringAsync($"/api/tickets/{tickets.Groups["ticket"].Value}"))!;
        Assert.Equal("awaiting_seller_execution", (string?)replied["state"]);
        var lapsed = JsonNode.Parse(await admin.GetStringAsync($"/api/tickets/{tickets.Groups["unanswered"].Value}"))!;
        Assert.Equal("completed", (string?)lapsed["state"]);
        Assert.Equal("late_shipment_compensated", (string?)lapsed["outcome"]);

        // After the 25-hour jump the demo script still opened a ticket (signed with the app's clock), and the next command
        // it printed, the seller's reply with the id and a shipBy filled in, works as printed.
        var demo = steps[quickStart.Count - 1].Output;
        Assert.Contains("\"outcome\":\"ticket_opened\"", demo, StringComparison.Ordinal);
        var next = demo.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("curl ", StringComparison.Ordinal) && l.Contains("/reply", StringComparison.Ordinal));
        var (nextExit, nextOutput) = await BashAsync(run, next);
        Assert.True(nextExit == 0, $"The demo script's next command exited {nextExit}:{Environment.NewLine}{next}{Environment.NewLine}{nextOutput}");
        Assert.Contains("\"state\":\"awaiting_seller_execution\"", nextOutput, StringComparison.Ordinal);

        // What the scripts avoid: after the jump, a webhook signed with this machine's clock is refused.
        var ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = """{"type":"order.refunded","occurredAt":"2026-01-01T00:00:00Z","orderId":"o-1"}""";
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/xiaohongshu") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        {
            request.Headers.Add("X-Event-Id", "machine-clock-" + ts);
            request.Headers.Add("X-Timestamp", ts);
            request.Headers.Add("X-Signature", Security.WebhookSignature.Sign("dev-secret-xiaohongshu", ts, Encoding.UTF8.GetBytes(body)));
            using var refused = await admin.SendAsync(request);
            Assert.Equal(401, (int)refused.StatusCode);
            Assert.Contains("stale_timestamp", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A refusal makes a script fail loudly: a non-zero exit and the answer printed.
        var (wrongExit, wrongOutput) = await BashAsync(run, "SECRET=not-the-secret ./scripts/demo-ticket.sh");
        Assert.NotEqual(0, wrongExit);
        Assert.Contains("answered HTTP 401", wrongOutput, StringComparison.Ordinal);
        Assert.Contains("invalid_signature", wrongOutput, StringComparison.Ordinal);

        // SIGTERM to run.sh's PID only: its handler stops the host, then Azurite, says so, and every port is free again.
        await run.TerminateAsync(TimeSpan.FromSeconds(40));
        var stopped = run.Output();
        Assert.Equal(143, run.ExitCode);
        Assert.Contains($"Stopped the host (pid {run.HostPid}).", stopped, StringComparison.Ordinal);
        Assert.Contains($"Stopped Azurite (pid {run.AzuritePid}).", stopped, StringComparison.Ordinal);
        Assert.False(RunShProcess.IsRunning(run.HostPid), $"the host (pid {run.HostPid}) still runs");
        Assert.False(RunShProcess.IsRunning(run.AzuritePid), $"Azurite (pid {run.AzuritePid}) still runs");
        foreach (var port in run.Ports)
        {
            Assert.False(RunShProcess.Listening(port), $"port {port} is still in use after run.sh stopped");
        }
    }

    /// <summary>One shell command of a README block (continuation lines joined) and the <c>"key":"value"</c> pairs the
    /// README's <c># →</c> line right below it says its answer holds.</summary>
    private sealed record Command(string Text, List<(string Key, string Value)> Claims);

    private sealed record Step(int Exit, string Output);

    /// <summary>The lines of the first fenced bash block after a heading.</summary>
    private static List<string> FirstBlockAfter(string readme, string heading)
    {
        var lines = readme.Split('\n').Select(l => l.TrimEnd()).ToList();
        var at = lines.IndexOf(heading);
        Assert.True(at >= 0, $"README.md has no heading '{heading}'");
        var open = lines.FindIndex(at, l => l == "```bash");
        var close = lines.FindIndex(open + 1, l => l == "```");
        return lines.GetRange(open + 1, close - open - 1);
    }

    /// <summary>The commands of the bash block right below <c>&lt;!-- tested: NAME ... --&gt;</c> in README.md.</summary>
    private static List<Command> Block(string readme, string name)
    {
        var lines = readme.Split('\n').Select(l => l.TrimEnd()).ToList();
        var at = lines.FindIndex(l => l.StartsWith($"<!-- tested: {name} ", StringComparison.Ordinal));
        Assert.True(at >= 0, $"README.md has no '<!-- tested: {name} ...' marker");
        Assert.Equal("```bash", lines[at + 1]);
        var commands = new List<Command>();
        var pending = new StringBuilder();
        for (var i = at + 2; lines[i] != "```"; i++)
        {
            var line = lines[i];
            if (pending.Length > 0 || (!line.TrimStart().StartsWith('#') && line.Length > 0))
            {
                pending.Append(pending.Length > 0 ? "\n" : "").Append(line);
                if (!line.EndsWith('\\'))
                {
                    commands.Add(new Command(pending.ToString(), []));
                    pending.Clear();
                }
            }
            else if (line.StartsWith("# →", StringComparison.Ordinal) && commands.Count > 0)
            {
                commands[^1].Claims.AddRange(ClaimPair().Matches(line).Select(m => (m.Groups["key"].Value, m.Groups["value"].Value)));
            }
        }
        Assert.NotEmpty(commands);
        return commands;
    }

    /// <summary>Each command's output and exit status, from the <c>@@begin</c> / <c>@@end</c> lines around it.</summary>
    private static Dictionary<int, Step> Steps(string output) =>
        StepOutput().Matches(output).ToDictionary(
            m => int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture),
            m => new Step(int.Parse(m.Groups["exit"].Value, CultureInfo.InvariantCulture), m.Groups["output"].Value));

    /// <summary>Runs a script with bash in the repository root, with the app's port as the README has it (URGESHIP_PORT).</summary>
    private static async Task<(int Exit, string Output)> BashAsync(RunShProcess run, string script)
    {
        var file = Path.Combine(run.WorkDirectory, $"commands-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, script);
        var start = new ProcessStartInfo("bash", [file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RunShProcess.RepositoryRoot,
        };
        foreach (var name in new[] { "URGESHIP_URL", "ADMIN_KEY", "SELLER_KEY", "SECRET" })
        {
            start.Environment.Remove(name);
        }
        start.Environment["URGESHIP_PORT"] = run.HostPort.ToString(CultureInfo.InvariantCulture);
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(CommandsTimeout);
        try
        {
            await bash.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw new TimeoutException($"The commands did not finish within {CommandsTimeout}:{Environment.NewLine}{script}{Environment.NewLine}{await stdout}{await stderr}");
        }
        return (bash.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("\"(?<key>[A-Za-z]+)\":\"(?<value>[^\"]*)\"")]
    private static partial Regex ClaimPair();

    [GeneratedRegex(@"@@begin (?<i>\d+)\n(?<output>.*?)\n@@end \k<i> (?<exit>\d+)\n", RegexOptions.Singleline)]
    private static partial Regex StepOutput();

    [GeneratedRegex(@"@@tickets (?<ticket>t[a-z0-9]+) (?<unanswered>t[a-z0-9]+)\n")]
    private static partial Regex TicketsLine();
}
