using System.Text.Json;
using Microsoft.DurableTask.Client;
using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary><c>TicketFunctions.ReplyToTicket</c> with a mocked Durable client: who may reply, what is raised, how it is answered.</summary>
[Collection(HostCollection.Name)]
public sealed class ReplyToTicketTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static string Delay(int days = 2) => JsonSerializer.Serialize(new { kind = "delay", shipBy = Now.AddDays(days).ToString("O") });

    private async Task<Answer> ReplyAsync(Mock<DurableTaskClient> client, string ticketId, string body, string? apiKey = TicketHost.SellerKey,
        string? idempotencyKey = null, FunctionHarness? harness = null)
    {
        var h = harness ?? _harness;
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        var request = h.Request("POST", $"/api/tickets/{ticketId}/reply", body, apiKey, headers);
        return await h.CallAsync(request, nameof(TicketFunctions.ReplyToTicket),
            () => h.Create<TicketFunctions>().ReplyToTicket(request, ticketId, client.Object, CancellationToken.None));
    }

    private static void OnRaise(Mock<DurableTaskClient> client, string ticketId, List<CommandSignal> raised, Func<CommandSignal, Task>? orchestrate = null) =>
        client.Setup(c => c.RaiseEventAsync(ticketId, TicketOrchestrator.SignalEvent, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, string _, object? payload, CancellationToken _) =>
            {
                var signal = Assert.IsType<CommandSignal>(payload);
                raised.Add(signal);
                if (orchestrate is not null)
                {
                    await orchestrate(signal);
                }
            });

    [Fact]
    public async Task GivenNoApiKey_WhenReplying_Then401_AndTheClientIsNeverTouched()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(), apiKey: null);

        Assert.Equal(401, answer.Status);
        Assert.Equal("unauthorized", answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAnUnknownApiKey_WhenReplying_Then401_AndTheClientIsNeverTouched()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(), apiKey: "not-a-key");

        Assert.Equal(401, answer.Status);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAReadOnlySellerKey_WhenReplying_Then403_AndTheClientIsNeverTouched()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(), TicketHost.ReadOnlySellerKey);

        Assert.Equal(403, answer.Status);
        Assert.Equal("forbidden", answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAnotherShopsSellerKey_WhenReplying_Then403_AndTheClientIsNeverTouched()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(), TicketHost.OtherSellerKey);

        Assert.Equal(403, answer.Status);
        Assert.Equal("forbidden", answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAnUnknownTicket_WhenReplying_Then404_AndTheClientIsNeverTouched()
    {
        var client = FunctionHarness.Client();
        var unknown = TicketIds.For(FunctionHarness.Marketplace, Payloads.NewOrderId());

        var answer = await ReplyAsync(client, unknown, Delay());

        Assert.Equal(404, answer.Status);
        Assert.Equal("ticket_not_found", answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"kind":"maybe"}""", "kind")]
    [InlineData("""{"kind":"delay"}""", "shipBy")]
    [InlineData("""{"kind":"negotiate","plan":"blue instead","evidence":[]}""", "evidence")]
    [InlineData("""{"kind":"cannot_ship","reason":"  "}""", "reason")]
    [InlineData("""["cannot_ship"]""", "$")]
    public async Task GivenABadBody_WhenReplying_Then422NamingTheField_AndTheClientIsNeverTouched(string body, string field)
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, body);

        Assert.Equal(422, answer.Status);
        Assert.Contains(field, answer.Fields);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenADelayOutOfRange_WhenReplying_ThenThePreDecisionRefuses422_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(days: 6)); // XHS allows at most 5 days

        Assert.Equal(422, answer.Status);
        Assert.Equal(RejectionCodes.DelayOutOfRange, answer.Code);
        Assert.Equal(["shipBy"], answer.Fields);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenATicketAlreadyRepliedTo_WhenReplyingAgain_ThenThePreDecisionRefuses409_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId(), then: new ReplyWithDelay(Now.AddDays(2), "first", Now));
        var client = FunctionHarness.Client();

        var answer = await ReplyAsync(client, ticket.TicketId, """{"kind":"cannot_ship","reason":"out of stock"}""");

        Assert.Equal(409, answer.Status);
        Assert.Equal(RejectionCodes.AlreadyReplied, answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAValidReply_WhenTheTicketAppliesIt_Then200WithTheTicketView()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised, signal => _harness.ApplyAsync(ticket, signal));

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(), idempotencyKey: "reply-1");

        Assert.Equal(200, answer.Status);
        Assert.Equal(ticket.TicketId, (string?)answer.Body!["ticketId"]);
        Assert.Equal("awaiting_seller_execution", (string?)answer.Body["state"]);
        Assert.Equal("delay", (string?)answer.Body["reply"]!["kind"]);
        Assert.Equal(ticket.Version + 2, (long)answer.Body["version"]!); // SellerReplied + the buyer's notice
        var signal = Assert.Single(raised);
        Assert.Equal("reply:ops-a:reply-1", signal.CommandId);
        var reply = Assert.IsType<ReplyWithDelay>(signal.Command);
        Assert.Equal(Now.AddDays(2), reply.ShipBy);
        Assert.Equal("reply-1", reply.ReplyId);
    }

    [Fact]
    public async Task GivenTheOrchestrationRefusesThisAttempt_WhenReplying_Then409WithItsCode()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        // The window closed between the pre-decision and the orchestration applying the reply.
        OnRaise(client, ticket.TicketId, [], signal => _harness.RecordResultAsync(ticket,
            new CommandResult(signal.CommandId, signal.Attempt, false, RejectionCodes.ReplyWindowClosed, "the reply window closed", ticket.Version, null, null)));

        var answer = await ReplyAsync(client, ticket.TicketId, Delay());

        Assert.Equal(409, answer.Status);
        Assert.Equal(RejectionCodes.ReplyWindowClosed, answer.Code);
        Assert.Equal("the reply window closed", (string?)answer.Body!["detail"]);
    }

    [Fact]
    public async Task GivenNoResultWithinTheCommandWait_WhenReplying_Then202WithTheTicketAsLocation()
    {
        await using var harness = await FunctionHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Http:CommandWait"] = "00:00:00.200" });
        var ticket = await harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised);

        var answer = await ReplyAsync(client, ticket.TicketId, Delay(), harness: harness);

        Assert.Equal(202, answer.Status);
        Assert.Equal($"/api/tickets/{ticket.TicketId}", answer.Location);
        Assert.Equal($$"""{"ticketId":"{{ticket.TicketId}}","status":"pending","location":"/api/tickets/{{ticket.TicketId}}"}""", answer.Text);
        Assert.Single(raised);
    }

    [Fact]
    public async Task GivenAnAppliedReply_WhenTheSameIdempotencyKeyIsSentAgain_Then200WithTheView_AndNoSecondRaise()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised, signal => _harness.ApplyAsync(ticket, signal));
        var first = await ReplyAsync(client, ticket.TicketId, Delay(), idempotencyKey: "same-key");
        Assert.Equal(200, first.Status);

        var again = await ReplyAsync(client, ticket.TicketId, Delay(days: 3), idempotencyKey: "same-key");

        Assert.Equal(200, again.Status);
        Assert.Equal(first.Text, again.Text);
        Assert.Single(raised);
        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed, 409, "ticket_completed")]
    [InlineData(OrchestrationRuntimeStatus.Failed, 503, "ticket_unavailable")]
    [InlineData(OrchestrationRuntimeStatus.Terminated, 503, "ticket_unavailable")]
    public async Task GivenAnOrchestrationThatTakesNoMoreEvents_WhenReplying_ThenAnswersItsProblem_AndNothingIsRaised(OrchestrationRuntimeStatus status, int expected, string code)
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        client.Setup(c => c.GetInstanceAsync(ticket.TicketId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(nameof(TicketOrchestrator), ticket.TicketId) { RuntimeStatus = status });

        var answer = await ReplyAsync(client, ticket.TicketId, Delay());

        Assert.Equal(expected, answer.Status);
        Assert.Equal(code, answer.Code);
        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
