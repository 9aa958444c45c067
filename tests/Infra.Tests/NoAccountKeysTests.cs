namespace UrgeShipment.Infra.Tests;

/// <summary>
/// Nothing under infra/ reads or builds a storage account key or a key-bearing connection string: the app reaches
/// storage with its identity only (the storage account also refuses shared keys: <see cref="TemplateTests"/>).
/// </summary>
public sealed class NoAccountKeysTests
{
    private static readonly string[] Forbidden =
    [
        "listKeys(",
        "AccountKey=",
        "accountKey",
        "listAccountSas(",
        "listServiceSas(",
        "DefaultEndpointsProtocol=",
        "SharedAccessSignature=",
    ];

    [Fact]
    public void NoFileUnderInfra_MentionsAnAccountKey()
    {
        var files = Directory.EnumerateFiles(InfraLayout.Infra, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);

        var hits = (
            from file in files
            let lines = File.ReadAllLines(file)
            from index in Enumerable.Range(0, lines.Length)
            from word in Forbidden
            where lines[index].Contains(word, StringComparison.OrdinalIgnoreCase)
            select $"{Path.GetRelativePath(InfraLayout.Root, file)}:{index + 1}: {word}").ToList();

        Assert.True(hits.Count == 0, string.Join('\n', hits));
    }
}
