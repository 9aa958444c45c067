using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace UrgeShipment.Domain.Tests;

/// <summary>The domain never reads a clock, makes up ids or randomness, or does I/O: scanned in the compiled IL's references.</summary>
public sealed class PurityTests
{
    private static readonly (string Type, string? Member)[] Banned =
    [
        ("System.DateTime", "get_Now"),
        ("System.DateTime", "get_UtcNow"),
        ("System.DateTime", "get_Today"),
        ("System.DateTimeOffset", "get_Now"),
        ("System.DateTimeOffset", "get_UtcNow"),
        ("System.Guid", "NewGuid"),
        ("System.Random", null),
        ("System.TimeProvider", "get_System"),
        ("System.Environment", "get_TickCount"),
        ("System.Environment", "get_TickCount64"),
        ("System.Diagnostics.Stopwatch", null),
        ("System.IO.File", null),
        ("System.IO.Directory", null),
        ("System.IO.FileStream", null),
        ("System.Net.Http.HttpClient", null),
        ("System.Security.Cryptography.RandomNumberGenerator", null),
    ];

    [Fact]
    public void GivenTheDomainAssembly_WhenItsReferencesAreScanned_ThenNoClockGuidRandomOrIo()
    {
        var found = BannedReferences(typeof(TicketDecider).Assembly.Location);

        Assert.Empty(found);
    }

    [Fact]
    public void GivenAnAssemblyThatReadsTheClock_WhenScanned_ThenTheScannerFindsIt()
    {
        _ = Probe();

        var found = BannedReferences(typeof(PurityTests).Assembly.Location);

        Assert.Contains("System.DateTimeOffset::get_UtcNow", found);
        Assert.Contains("System.Guid::NewGuid", found);
    }

    [Fact]
    public void GivenTheDomainAssembly_WhenItsAssemblyReferencesAreListed_ThenOnlyTheFramework()
    {
        using var stream = File.OpenRead(typeof(TicketDecider).Assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();

        var names = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();

        Assert.All(names, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib", name));
    }

    private static (DateTimeOffset, Guid) Probe() => (DateTimeOffset.UtcNow, Guid.NewGuid());

    private static List<string> BannedReferences(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var found = new List<string>();

        foreach (var handle in reader.TypeReferences)
        {
            var name = FullName(reader, reader.GetTypeReference(handle));
            if (Banned.Any(b => b.Member is null && b.Type == name))
            {
                found.Add(name);
            }
        }

        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = FullName(reader, reader.GetTypeReference((TypeReferenceHandle)member.Parent));
            var name = reader.GetString(member.Name);
            if (Banned.Any(b => b.Type == type && (b.Member is null || b.Member == name)))
            {
                found.Add($"{type}::{name}");
            }
        }

        return found;
    }

    private static string FullName(MetadataReader reader, TypeReference type) =>
        type.Namespace.IsNil ? reader.GetString(type.Name) : $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
}
