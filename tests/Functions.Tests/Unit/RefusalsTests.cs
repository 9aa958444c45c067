using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Http;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>The one refusal → status table (<see cref="Refusals"/>), over every code the domain refuses with.</summary>
public sealed class RefusalsTests
{
    public static TheoryData<string> EveryRejectionCode()
    {
        var codes = new TheoryData<string>();
        foreach (var field in typeof(RejectionCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            codes.Add((string)field.GetRawConstantValue()!);
        }
        return codes;
    }

    [Theory]
    [MemberData(nameof(EveryRejectionCode))]
    public void EveryDomainRefusal_IsA409StateConflict_OrABadFieldNamedInErrors_WithItsCode(string code)
    {
        var problem = Assert.IsType<ProblemHttpResult>(Refusals.Answer(code, "detail", StatusCodes.Status422UnprocessableEntity, "kind"));

        Assert.Equal(code, problem.ProblemDetails.Extensions["code"]);
        if (Refusals.IsStateConflict(code))
        {
            Assert.Equal(StatusCodes.Status409Conflict, problem.StatusCode);
        }
        else
        {
            Assert.Equal(StatusCodes.Status422UnprocessableEntity, problem.StatusCode);
            var field = Assert.Single(Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails).Errors).Key;
            Assert.Equal(Refusals.FieldOf(code, "kind"), field);
        }
    }

    [Theory]
    [InlineData(RejectionCodes.DelayOutOfRange, 422, "shipBy")]
    [InlineData(RejectionCodes.EvidenceRequired, 422, "evidence")]
    [InlineData(RejectionCodes.InvalidExtension, 422, "by")]
    [InlineData(RejectionCodes.ReplyWindowClosed, 409, null)]
    [InlineData(RejectionCodes.DeadlinePassed, 409, null)]
    [InlineData(RejectionCodes.NotPaused, 409, null)]
    public void Replies_AndOperatorCommands_AnswerAsTheContractSays(string code, int status, string? field)
    {
        var problem = Assert.IsType<ProblemHttpResult>(Refusals.Answer(code, null, StatusCodes.Status422UnprocessableEntity, "why"));

        Assert.Equal(status, problem.StatusCode);
        if (field is not null)
        {
            Assert.Equal(field, Assert.Single(((HttpValidationProblemDetails)problem.ProblemDetails).Errors).Key);
        }
    }

    [Theory]
    [InlineData(RejectionCodes.OccurredInFuture, "occurredAt")]
    [InlineData(RejectionCodes.UnknownSku, "shipment.items")]
    [InlineData(RejectionCodes.OrderMismatch, "order.orderId")]
    [InlineData(RejectionCodes.InvalidState, "type")]
    public void AWebhooksRefusedFact_IsAlways400NamingItsField(string code, string field)
    {
        var problem = Assert.IsType<ProblemHttpResult>(Refusals.ForWebhook(code, null));

        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Equal(field, Assert.Single(((HttpValidationProblemDetails)problem.ProblemDetails).Errors).Key);
    }
}
