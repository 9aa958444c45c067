namespace UrgeShipment.Infra.Tests;

/// <summary>Where infra/ is, found upwards from the test assembly (the folder holding UrgeShipment.sln), and its files.</summary>
internal static class InfraLayout
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string HostJson => Path.Combine(Root, "host.json");

    /// <summary>Every file under infra/ with this extension, relative to infra/ with '/' separators, in order.</summary>
    public static IReadOnlyList<string> Files(string extension) =>
        Directory.EnumerateFiles(Infra, "*" + extension, SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Infra, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> TheoryFiles(string extension)
    {
        var data = new TheoryData<string>();
        foreach (var file in Files(extension))
        {
            data.Add(file);
        }
        return data;
    }

    /// <summary>A copy of infra/ in a new temporary folder, for runs that write next to their input or change a file.</summary>
    public static TemporaryInfra Copy() => new();

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
}

/// <summary>A throwaway copy of infra/ (bicepconfig.json and modules included); deleted on dispose.</summary>
internal sealed class TemporaryInfra : IDisposable
{
    public TemporaryInfra()
    {
        Path = Directory.CreateTempSubdirectory("urgeship-infra-").FullName;
        foreach (var file in Directory.EnumerateFiles(InfraLayout.Infra, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(InfraLayout.Infra, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
