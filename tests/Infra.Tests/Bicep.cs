using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace UrgeShipment.Infra.Tests;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package that this project's restore downloaded (its path is
/// the assembly metadata <c>BicepPath</c>, written by the build from <c>$(NuGetPackageRoot)</c>).
/// </summary>
internal static partial class Bicep
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The executable, made executable if the package extraction left it without the bit.</summary>
    public static string Executable { get; } = Locate();

    /// <summary>Runs <c>bicep</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
        return new BicepRun(arguments, process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI is not at '{path}': restore tests/Infra.Tests (it downloads Azure.Bicep.CommandLine.linux-x64).");
        }
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package this project downloads is the linux-x64 one.");
        }
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return path;
    }

    /// <summary>A diagnostic as the CLI prints it: <c>path(line,col) : Warning rule-or-code: message [link]</c>.</summary>
    [GeneratedRegex(@"^.*\(\d+,\d+\) : (?<level>Warning|Error) (?<code>[\w-]+): ", RegexOptions.Multiline)]
    internal static partial Regex Diagnostic();
}

/// <summary>One run of the CLI: its arguments, exit code and both outputs.</summary>
public sealed record BicepRun(IReadOnlyList<string> Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Every line of either output that says Warning or Error (diagnostics, and anything else that does).</summary>
    public IReadOnlyList<string> Problems { get; } =
        (StandardOutput + "\n" + StandardError).Split('\n')
            .Where(line => line.Contains("Warning", StringComparison.OrdinalIgnoreCase) || line.Contains("Error", StringComparison.OrdinalIgnoreCase))
            .Select(line => line.TrimEnd())
            .ToList();

    /// <summary>The codes of the diagnostics reported (rule names such as <c>no-unused-params</c>, or <c>BCP…</c>).</summary>
    public IReadOnlyList<string> DiagnosticCodes =>
        Bicep.Diagnostic().Matches(StandardOutput + "\n" + StandardError).Select(m => m.Groups["code"].Value).ToList();

    /// <summary>The <see cref="Problems"/> that name <paramref name="file"/> (relative to infra/).</summary>
    public IReadOnlyList<string> ProblemsIn(string file) =>
        Problems.Where(line => line.Contains(Path.Combine(InfraLayout.Infra, file), StringComparison.Ordinal)
            || line.Contains("/" + file + "(", StringComparison.Ordinal)).ToList();

    public override string ToString() =>
        $"bicep {string.Join(' ', Arguments)} exited {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
