using System.Text.Json;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// How orchestration inputs, outputs, events and activity payloads are serialized, in both hosts: System.Text.Json with
/// web defaults (the Functions worker's serializer is set to it; the self-host's Durable Task data converter uses it).
/// Domain types inside those payloads carry their own converter (<see cref="Tickets.DomainJsonConverter{T}"/>).
/// </summary>
public static class DurableJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
