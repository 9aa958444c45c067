using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Tickets;

/// <summary>
/// How ticket states, commands and events are stored. The domain carries no serialization attributes:
/// the closed record hierarchies are made polymorphic here, by reflection, with the type name as discriminator
/// (renaming an event type is therefore a stored-data change).
/// </summary>
public static class TicketJson
{
    public static JsonSerializerOptions Storage { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddHierarchies } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    private static void AddHierarchies(JsonTypeInfo info)
    {
        if (info.Type != typeof(TicketCommand) && info.Type != typeof(TicketEvent))
        {
            return;
        }
        var polymorphism = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$type" };
        foreach (var type in info.Type.Assembly.GetTypes())
        {
            if (!type.IsAbstract && info.Type.IsAssignableFrom(type))
            {
                polymorphism.DerivedTypes.Add(new JsonDerivedType(type, type.Name));
            }
        }
        info.PolymorphismOptions = polymorphism;
    }
}
