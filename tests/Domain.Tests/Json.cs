using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace UrgeShipment.Domain.Tests;

/// <summary>System.Text.Json as the host configures it: polymorphism for the closed hierarchies, added from outside the domain.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Polymorphism } },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    private static void Polymorphism(JsonTypeInfo info)
    {
        if (info.Type != typeof(TicketEvent) && info.Type != typeof(TicketCommand))
        {
            return;
        }

        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$type" };
        foreach (var type in typeof(TicketEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(info.Type) && !t.IsAbstract))
        {
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, type.Name));
        }
    }
}
