using Microsoft.DurableTask.Client;
using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary><c>OperatorFunctions.OperatorCommand</c> with a mocked Durable client: admin only, audited, raised to the ticket.</summary>
[Collection(HostCollection.Name)]
public sealed class OperatorCommandTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<Answer> CommandAsync(Mock<DurableTaskClient> client, string ticketId, string action, string body, string? apiKey = TicketHost.OperatorKey,
        string? idempotencyKey = null)
    {
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        var request = _harness.Request("POST", $"/api/tickets/{ticketId}/operator/{action}", body, apiKey, headers);
        return await _harness.CallAsync(request, nameof(OperatorFunctions.OperatorCommand),
            () => _harness.Create<OperatorFunctions>().OperatorCommand(request, ticketId, action, client.Object, CancellationToken.None));
    }

    private static void OnRaise(Mock<DurableTaskClient> client, string ticketId, List<CommandSignal> raised, Func<CommandSignal, Task> orchestrate) =>
        client.Setup(c => c.RaiseEventAsync(ticketId, TicketOrchestrator.SignalEvent, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, string _, object? payload, CancellationToken _) =>
            {
                var signal = Assert.IsType<CommandSignal>(payload);
                raised.Add(signal);
                await orchestrate(signal);
            });

    [Fact]
    public async Task GivenASellerKey_WhenIssuingAnOperatorCommand_Then403_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await CommandAsync(client, ticket.TicketId, "pause", """{"why":"carrier strike"}""", TicketHost.SellerKey);

        Assert.Equal(403, answer.Status);
        Assert.Equal("forbidden", answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenNoKey_WhenIssuingAnOperatorCommand_Then401_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await CommandAsync(client, ticket.TicketId, "pause", """{"why":"carrier strike"}""", apiKey: null);

        Assert.Equal(401, answer.Status);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAnOperatorKeyAndAValidBody_WhenPausing_ThenRaisesThePauseCommandAuditedUnderTheKeysPerson_And200WithThePausedTicket()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised, signal => _harness.ApplyAsync(ticket, signal));

        var answer = await CommandAsync(client, ticket.TicketId, "pause", """{"why":"carrier strike","operator":"alice"}""", idempotencyKey: "op-1");

        Assert.Equal(200, answer.Status);
        Assert.NotNull((string?)answer.Body!["pausedAt"]);
        var signal = Assert.Single(raised);
        Assert.Equal("operator:op-1", signal.CommandId);
        var pause = Assert.IsType<PauseClock>(signal.Command);
        Assert.Equal(TicketHost.OperatorName, pause.Operator); // the key's person, not the body's "alice"
        Assert.Equal("carrier strike", pause.Why);
        client.Verify(c => c.RaiseEventAsync(ticket.TicketId, TicketOrchestrator.SignalEvent, It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task GivenAnOperatorKey_WhenExtendingTheDeadline_ThenRaisesExtendDeadlineByTheIsoDuration()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised, signal => _harness.ApplyAsync(ticket, signal));

        var answer = await CommandAsync(client, ticket.TicketId, "extend-deadline", """{"why":"platform outage","by":"PT4H"}""");

        Assert.Equal(200, answer.Status);
        var extend = Assert.IsType<ExtendDeadline>(Assert.Single(raised).Command);
        Assert.Equal(TimeSpan.FromHours(4), extend.By);
        Assert.Equal(TicketHost.OperatorName, extend.Operator);
        Assert.Equal(ticket.State.ActiveDeadline!.DueAt.AddHours(4), DateTimeOffset.Parse((string)answer.Body!["activeDeadline"]!["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GivenAnUnknownAction_WhenIssued_Then404UnknownOperatorCommand_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await CommandAsync(client, ticket.TicketId, "delete-everything", """{"why":"because"}""");

        Assert.Equal(404, answer.Status);
        Assert.Equal("unknown_operator_command", answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenNoWhy_WhenIssuingAnOperatorCommand_Then422NamingWhy_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await CommandAsync(client, ticket.TicketId, "pause", """{"operator":"alice"}""");

        Assert.Equal(422, answer.Status);
        Assert.Contains("why", answer.Fields);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenATicketThatIsNotPaused_WhenResuming_ThenThePreDecisionRefuses409NotPaused_AndNothingIsRaised()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = FunctionHarness.Client();

        var answer = await CommandAsync(client, ticket.TicketId, "resume", """{"why":"strike over"}""");

        Assert.Equal(409, answer.Status);
        Assert.Equal(RejectionCodes.NotPaused, answer.Code);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivenAPausedTicket_WhenTheOperatorResumes_ThenTheResumeIsRaisedForThatTicket()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId(), then: new PauseClock("admin:alice", "strike", Now));
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised, signal => _harness.ApplyAsync(ticket, signal));

        var answer = await CommandAsync(client, ticket.TicketId, "resume", """{"why":"strike over"}""");

        Assert.Equal(200, answer.Status);
        Assert.Null((string?)answer.Body!["pausedAt"]);
        Assert.IsType<ResumeClock>(Assert.Single(raised).Command);
    }
}
