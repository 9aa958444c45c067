namespace UrgeShipment.SelfHost.Tests;

/// <summary>Where things are in the repository this test assembly was built from.</summary>
internal static class RepositoryLayout
{
    /// <summary>The folder holding UrgeShipment.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The repository root's host.json: the one file both hosts read (src/Functions/host.json links to it).</summary>
    public static string HostJson => Path.Combine(Root, "host.json");

    /// <summary>
    /// The build configuration and target framework this test assembly was built in (…/bin/&lt;Configuration&gt;/&lt;tfm&gt;/):
    /// src/Functions was built in the same ones, first, through the SelfHost reference.
    /// </summary>
    public static (string Configuration, string TargetFramework) Build { get; } = FindBuild();

    /// <summary>src/Functions' output folder for <see cref="Build"/>: functions.metadata and host.json as deployed.</summary>
    public static string FunctionsOutput => Path.Combine(Root, "src", "Functions", "bin", Build.Configuration, Build.TargetFramework);

    private static string FindRoot()
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

    private static (string, string) FindBuild()
    {
        var segments = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory).Split(Path.DirectorySeparatorChar);
        var bin = Array.LastIndexOf(segments, "bin");
        if (bin < 0 || bin + 2 >= segments.Length)
        {
            throw new InvalidOperationException($"The test assembly is not in a bin/<Configuration>/<tfm> folder: {AppContext.BaseDirectory}.");
        }
        return (segments[bin + 1], segments[bin + 2]);
    }
}
