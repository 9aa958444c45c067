using UrgeShipment.Domain;

namespace UrgeShipment.Functions.Http;

/// <summary>
/// The one table from the domain's refusal codes (<see cref="RejectionCodes"/>) to an HTTP answer: a refusal that means
/// "not in this state" is <c>409</c> with its code; any other names the field it is about, in the status the endpoint
/// gives bad fields (<c>422</c> for replies and operator commands, <c>400</c> for a webhook's facts).
/// </summary>
public static class Refusals
{
    /// <summary>"Not now": the command is well formed but the ticket's state does not allow it.</summary>
    private static readonly HashSet<string> StateConflicts = new(StringComparer.Ordinal)
    {
        RejectionCodes.ReplyWindowClosed, RejectionCodes.InvalidState, RejectionCodes.AlreadyReplied, RejectionCodes.NoTicket,
        RejectionCodes.TicketCompleted, RejectionCodes.NoActiveDeadline, RejectionCodes.DeadlinePassed, RejectionCodes.AlreadyPaused,
        RejectionCodes.NotPaused, RejectionCodes.NotFlagged, RejectionCodes.UnknownWorkItem,
    };

    /// <summary>The field a refusal is about, where the code says.</summary>
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        [RejectionCodes.DelayOutOfRange] = "shipBy",
        [RejectionCodes.EvidenceRequired] = "evidence",
        [RejectionCodes.PlanRequired] = "plan",
        [RejectionCodes.ReasonRequired] = "reason",
        [RejectionCodes.InvalidExtension] = "by",
        [RejectionCodes.OccurredInFuture] = "occurredAt",
        [RejectionCodes.UnknownSku] = "shipment.items",
        [RejectionCodes.InvalidQuantity] = "shipment.items",
        [RejectionCodes.InvalidAmount] = "compensationAmount",
        [RejectionCodes.OrderMismatch] = "order.orderId",
    };

    /// <summary>A refused command: 409 when it is a state conflict, otherwise <paramref name="invalidStatus"/> naming the field.</summary>
    public static IResult Answer(string code, string? detail, int invalidStatus, string otherwiseField) =>
        StateConflicts.Contains(code)
            ? Problems.Of(StatusCodes.Status409Conflict, code, "Not allowed now.", detail)
            : Problems.Invalid(invalidStatus, FieldOf(code, otherwiseField), detail ?? code, code);

    /// <summary>A refused webhook fact: always 400 naming the field (a marketplace must not retry it; nothing was stored).</summary>
    public static IResult ForWebhook(string code, string? detail) =>
        Problems.Invalid(StatusCodes.Status400BadRequest, FieldOf(code, "type"), detail ?? code, code);

    public static bool IsStateConflict(string code) => StateConflicts.Contains(code);

    public static string FieldOf(string code, string otherwise) => Fields.GetValueOrDefault(code, otherwise);
}
