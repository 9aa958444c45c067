namespace UrgeShipment.Infra.Tests;

/// <summary>
/// Every Bicep file under infra/ compiles to an ARM template, and every parameter file to ARM parameters, with no
/// warning and no error (the build runs the linter rules of infra/bicepconfig.json too). One CLI run builds them all
/// (<c>--pattern</c>); each file's case checks its own template came out and no diagnostic names it.
/// </summary>
public sealed class BicepBuildTests(BicepBuildTests.Builds builds) : IClassFixture<BicepBuildTests.Builds>
{
    /// <summary>The glob that finds every Bicep file under infra/ (<see cref="BicepLintTests"/> lints with it too).</summary>
    public const string BicepFilePattern = "**/*.bicep";

    public static TheoryData<string> BicepFiles => InfraLayout.TheoryFiles(".bicep");

    public static TheoryData<string> ParameterFiles => InfraLayout.TheoryFiles(".bicepparam");

    [Fact]
    public void TheBuildOfEveryBicepFile_ExitsZero_WithNoWarningOrError() =>
        Assert.True(builds.Templates.ExitCode == 0 && builds.Templates.Problems.Count == 0, builds.Templates.ToString());

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void EveryBicepFile_BuildsToATemplate_WithNoWarningOrError(string file)
    {
        Assert.True(File.Exists(Path.Combine(builds.TemplatesOutput, Path.ChangeExtension(file, ".json"))), builds.Templates.ToString());
        Assert.True(builds.Templates.ProblemsIn(file).Count == 0, builds.Templates.ToString());
    }

    [Fact]
    public void TheBuildOfEveryParameterFile_ExitsZero_WithNoWarningOrError() =>
        Assert.True(builds.Parameters.ExitCode == 0 && builds.Parameters.Problems.Count == 0, builds.Parameters.ToString());

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void EveryParameterFile_BuildsToParameters_WithNoWarningOrError(string file)
    {
        Assert.True(File.Exists(Path.Combine(builds.ParametersOutput, Path.ChangeExtension(file, ".json"))), builds.Parameters.ToString());
        Assert.True(builds.Parameters.ProblemsIn(file).Count == 0, builds.Parameters.ToString());
    }

    /// <summary><c>bicep build</c> of every .bicep file and <c>bicep build-params</c> of every .bicepparam file, into temporary folders.</summary>
    public sealed class Builds : IAsyncLifetime
    {
        private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("urgeship-bicep-build-");

        public string TemplatesOutput => Path.Combine(_output.FullName, "templates");

        public string ParametersOutput => Path.Combine(_output.FullName, "parameters");

        public BicepRun Templates { get; private set; } = null!;

        public BicepRun Parameters { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(TemplatesOutput);
            Directory.CreateDirectory(ParametersOutput);
            var templates = Bicep.RunAsync(InfraLayout.Infra, "build", "--pattern", BicepFilePattern, "--outdir", TemplatesOutput);
            var parameters = Bicep.RunAsync(InfraLayout.Infra, "build-params", "--pattern", "**/*.bicepparam", "--outdir", ParametersOutput);
            Templates = await templates;
            Parameters = await parameters;
        }

        public Task DisposeAsync()
        {
            _output.Delete(recursive: true);
            return Task.CompletedTask;
        }
    }
}
