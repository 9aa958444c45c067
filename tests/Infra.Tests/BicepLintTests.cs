namespace UrgeShipment.Infra.Tests;

/// <summary>
/// <c>bicep lint</c> with infra/bicepconfig.json finds nothing in any file, and finds what it should in a copy of
/// main.bicep made to break rules: the check is real, not a linter that is off or a config that is not read.
/// </summary>
public sealed class BicepLintTests(BicepLintTests.Lints lints) : IClassFixture<BicepLintTests.Lints>
{
    public static TheoryData<string> BicepFiles => InfraLayout.TheoryFiles(".bicep");

    /// <summary>Snippets appended to a copy of main.bicep, each with the rule that must report it.</summary>
    private static readonly (string Snippet, string Rule)[] Breaks =
    [
        ("param unusedProbe string = 'probe'", "no-unused-params"),
        ("var unusedProbeVariable = 'probe'", "no-unused-vars"),
        ("output probeEndpoint string = 'https://probe.blob.core.windows.net/'", "no-hardcoded-env-urls"),
        ("param probePassword string\noutput probeLength int = length(probePassword)", "secure-secrets-in-params"),
        ("output probeName string = concat('probe-', baseName)", "prefer-interpolation"),
        ("resource probeSite 'Microsoft.Web/sites@2022-03-01' existing = {\n  name: 'probe'\n}\noutput probeId string = probeSite.id", "use-recent-api-versions"),
    ];

    public static TheoryData<string> BrokenRules => new(Breaks.Select(b => b.Rule));

    /// <summary>Lint's own run over the files the build covers (the same glob: <see cref="BicepBuildTests"/> shows it finds every file).</summary>
    [Fact]
    public void TheLintOfEveryBicepFile_ExitsZero_WithNoWarningOrError() =>
        Assert.True(lints.Clean.ExitCode == 0 && lints.Clean.Problems.Count == 0, lints.Clean.ToString());

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void EveryBicepFile_Lints_WithNoWarningOrError(string file) =>
        Assert.True(lints.Clean.ProblemsIn(file).Count == 0, lints.Clean.ToString());

    [Fact]
    public void GivenAnUnusedParameter_WhenLinted_ThenLintFailsNamingIt()
    {
        Assert.True(lints.Broken.ExitCode != 0, lints.Broken.ToString());
        Assert.Contains(lints.Broken.Problems, line => line.Contains("Error no-unused-params", StringComparison.Ordinal)
            && line.Contains("\"unusedProbe\"", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void GivenMainBicepBreakingARule_WhenLinted_ThenTheRuleReportsIt(string rule) =>
        Assert.True(lints.Broken.DiagnosticCodes.Contains(rule), $"expected {rule}\n{lints.Broken}");

    [Fact]
    public void GivenMainBicepBreakingRules_WhenLinted_ThenOnlyTheRulesReport_NotTheCompiler() =>
        Assert.True(!lints.Broken.DiagnosticCodes.Any(c => c.StartsWith("BCP", StringComparison.Ordinal))
            && lints.Broken.DiagnosticCodes.Order().SequenceEqual(Breaks.Select(b => b.Rule).Order()), lints.Broken.ToString());

    [Fact]
    public async Task EveryFile_IsFormattedAsBicepFormatWritesIt()
    {
        using var copy = InfraLayout.Copy();
        var files = InfraLayout.Files(".bicep").Concat(InfraLayout.Files(".bicepparam")).ToList();

        var run = await Bicep.RunAsync(copy.Path, "format", "--pattern", "**/*.bicep*");

        Assert.True(run.ExitCode == 0 && run.Problems.Count == 0, run.ToString());
        var changed = files.Where(f => File.ReadAllText(Path.Combine(copy.Path, f)) != File.ReadAllText(Path.Combine(InfraLayout.Infra, f))).ToList();
        Assert.True(changed.Count == 0, $"not formatted as `bicep format` writes them: {string.Join(", ", changed)}");
    }

    /// <summary>Lint of infra/ as it is, and of a copy whose main.bicep has every snippet of <see cref="Breaks"/> appended.</summary>
    public sealed class Lints : IAsyncLifetime, IDisposable
    {
        private readonly TemporaryInfra _broken = InfraLayout.Copy();

        public BicepRun Clean { get; private set; } = null!;

        public BicepRun Broken { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await File.AppendAllTextAsync(Path.Combine(_broken.Path, "main.bicep"), "\n" + string.Join("\n", Breaks.Select(b => b.Snippet)) + "\n");
            var clean = Bicep.RunAsync(InfraLayout.Infra, "lint", "--pattern", BicepBuildTests.BicepFilePattern);
            var broken = Bicep.RunAsync(_broken.Path, "lint", "main.bicep");
            Clean = await clean;
            Broken = await broken;
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => _broken.Dispose();
    }
}
