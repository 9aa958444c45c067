using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using UrgeShipment.Domain;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Marketplaces;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary><c>WebhookFunctions.ReceiveWebhook</c> with a mocked Durable client: what it schedules, raises, and answers.</summary>
[Collection(HostCollection.Name)]
public sealed class WebhookFunctionsTests(AzuriteServer azurite) : IAsyncLifetime
{
    private const string Marketplace = FunctionHarness.Marketplace;
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<Answer> ReceiveAsync(Mock<DurableTaskClient> client, System.Text.Json.Nodes.JsonNode body, string eventId, FunctionHarness? harness = null)
    {
        var h = harness ?? _harness;
        var function = h.Create<WebhookFunctions>();
        var result = await function.ReceiveWebhook(h.Webhook(Marketplace, body, eventId), Marketplace, client.Object, CancellationToken.None);
        return await h.RunAsync(result);
    }

    /// <summary>The schedule call answers as the orchestration would: it records the opening urge's result.</summary>
    private static void OpensOnSchedule(FunctionHarness harness, Mock<DurableTaskClient> client, List<TicketInput> scheduled, List<StartOrchestrationOptions?> options,
        bool record = true) =>
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(async (TaskName _, object? input, StartOrchestrationOptions? start, CancellationToken _) =>
            {
                var ticket = Assert.IsType<TicketInput>(input);
                scheduled.Add(ticket);
                options.Add(start);
                if (record)
                {
                    var opened = new Seeded(ticket.TicketId, 0, TicketState.Initial);
                    await harness.ApplyAsync(opened, ticket.First!);
                }
                return ticket.TicketId;
            });

    /// <summary>The raise call answers as the orchestration would, via <paramref name="orchestrate"/>.</summary>
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
    public async Task GivenAnOpeningUrge_WhenReceived_ThenSchedulesTheTicketOrchestrationWithTheUrgeAsItsFirstCommand()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = TicketIds.For(Marketplace, orderId);
        var client = FunctionHarness.Client();
        List<TicketInput> scheduled = [];
        List<StartOrchestrationOptions?> options = [];
        OpensOnSchedule(_harness, client, scheduled, options);

        var answer = await ReceiveAsync(client, Payloads.Urge(orderId, Now, Now.AddDays(-3)), "evt-open");

        Assert.Equal(200, answer.Status);
        Assert.Equal("ticket_opened", (string?)answer.Body!["outcome"]);
        Assert.Equal(ticketId, (string?)answer.Body["ticketId"]);
        client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            It.Is<TaskName>(n => n.Name == "TicketOrchestrator"), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Once);
        var input = Assert.Single(scheduled);
        Assert.Equal(ticketId, input.TicketId);
        Assert.Equal(TicketStatus.None, input.State.Status);
        Assert.Equal($"webhook:{Marketplace}:evt-open", input.First!.CommandId);
        var urge = Assert.IsType<Domain.UrgeShipment>(input.First.Command);
        Assert.Equal(orderId, urge.Order.OrderId);
        Assert.Equal(Marketplace, urge.Policy.Marketplace);
        var start = Assert.Single(options);
        Assert.NotNull(start);
        Assert.Equal(ticketId, start.InstanceId);
        Assert.NotNull(start.DedupeStatuses);
        Assert.NotEmpty(start.DedupeStatuses);
        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task GivenARunningTicket_WhenAFactAboutItsOrderArrives_ThenRaisesACommandSignalNamedAfterTheEventId_AndNeverSchedules()
    {
        var orderId = Payloads.NewOrderId();
        var ticket = await _harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised, signal => _harness.ApplyAsync(ticket, signal));

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-ship-1");

        Assert.Equal(200, answer.Status);
        var signal = Assert.Single(raised);
        Assert.Equal($"webhook:{Marketplace}:evt-ship-1", signal.CommandId);
        Assert.False(string.IsNullOrEmpty(signal.Attempt));
        var shipment = Assert.IsType<RecordShipment>(signal.Command);
        Assert.Equal([new OrderLine("SKU-1", 1)], shipment.Shipment.Items);
        client.Verify(c => c.RaiseEventAsync(ticket.TicketId, TicketOrchestrator.SignalEvent, It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Once);
        client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task GivenARaisedFact_WhenItsResultRowAppears_ThenAnswers200WithTheRecordedOutcome()
    {
        var orderId = Payloads.NewOrderId();
        var ticket = await _harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        // The orchestration's answer is whatever it recorded, here an ignored duplicate (not what this host would decide).
        OnRaise(client, ticket.TicketId, [], signal => _harness.RecordResultAsync(ticket,
            new CommandResult(signal.CommandId, signal.Attempt, true, null, null, ticket.Version + 1, "ignored", IgnoredReasons.Duplicate)));

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-ship-2");

        Assert.Equal(200, answer.Status);
        Assert.Equal($$"""{"outcome":"ignored","ticketId":"{{ticket.TicketId}}","reason":"duplicate"}""", answer.Text);
    }

    [Fact]
    public async Task GivenARaisedFact_WhenTheOrchestrationRefusesThisAttempt_ThenAnswers400NamingTheField()
    {
        var orderId = Payloads.NewOrderId();
        var ticket = await _harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        OnRaise(client, ticket.TicketId, [], signal => _harness.RecordResultAsync(ticket,
            new CommandResult(signal.CommandId, signal.Attempt, false, RejectionCodes.InvalidQuantity, "raced", ticket.Version, null, null)));

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-ship-3");

        Assert.Equal(400, answer.Status);
        Assert.Equal(RejectionCodes.InvalidQuantity, answer.Code);
        Assert.Equal(["shipment.items"], answer.Fields);
    }

    [Fact]
    public async Task GivenNoResultWithinTheCommandWait_WhenAFactIsRaised_ThenAnswers202WithTheTicketAsLocation()
    {
        await using var harness = await FunctionHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Http:CommandWait"] = "00:00:00.200" });
        var orderId = Payloads.NewOrderId();
        var ticket = await harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticket.TicketId, raised);

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-slow", harness);

        Assert.Equal(202, answer.Status);
        Assert.Equal($"/api/tickets/{ticket.TicketId}", answer.Location);
        Assert.Equal("accepted", (string?)answer.Body!["outcome"]);
        Assert.Equal(ticket.TicketId, (string?)answer.Body["ticketId"]);
        Assert.Single(raised);
    }

    [Fact]
    public async Task GivenAResultRefusedForAnotherAttempt_WhenAFactIsRaised_ThenItIsNotThisRequestsAnswer_And202()
    {
        await using var harness = await FunctionHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Http:CommandWait"] = "00:00:00.400" });
        var orderId = Payloads.NewOrderId();
        var ticket = await harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        FunctionHarness.Running(client, ticket.TicketId);
        OnRaise(client, ticket.TicketId, [], signal => harness.RecordResultAsync(ticket,
            new CommandResult(signal.CommandId, "an-earlier-attempt", false, RejectionCodes.InvalidQuantity, "stale", ticket.Version, null, null)));

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-other-attempt", harness);

        Assert.Equal(202, answer.Status);
        Assert.Equal($"/api/tickets/{ticket.TicketId}", answer.Location);
    }

    [Fact]
    public async Task GivenNoTicketAndNoInstance_WhenANonUrgeFactArrives_ThenAnswersIgnoredNoTicket_AndNothingIsScheduledOrRaised()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = TicketIds.For(Marketplace, orderId);
        var client = FunctionHarness.Client(); // GetInstanceAsync answers null: no instance

        var answer = await ReceiveAsync(client, Payloads.ShippedAll(orderId, Now), "evt-orphan");

        Assert.Equal(200, answer.Status);
        Assert.Equal("""{"outcome":"ignored","reason":"no_ticket"}""", answer.Text);
        client.Verify(c => c.GetInstanceAsync(ticketId, It.IsAny<CancellationToken>()), Times.Once);
        client.VerifyNoOtherCalls();
        Assert.Null(await _harness.Get<WebhookDeliveries>().FindAsync(Marketplace, "evt-orphan", CancellationToken.None));
    }

    [Fact]
    public async Task GivenAShipmentNamingASkuNotOnTheOrder_WhenReceived_ThenAnswers400NamingShipmentItems_AndNothingIsRaisedOrClaimed()
    {
        var orderId = Payloads.NewOrderId();
        await _harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-STRANGER", 1)), "evt-stranger");

        Assert.Equal(400, answer.Status);
        Assert.Equal(RejectionCodes.UnknownSku, answer.Code);
        Assert.Equal(["shipment.items"], answer.Fields);
        client.VerifyNoOtherCalls();
        Assert.Null(await _harness.Get<WebhookDeliveries>().FindAsync(Marketplace, "evt-stranger", CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnEventIdAlreadyApplied_WhenRedeliveredWithADifferentBody_ThenAnswersTheFirstDeliverysTicket_AndOpensNoSecondTicket()
    {
        var firstOrder = Payloads.NewOrderId();
        var otherOrder = Payloads.NewOrderId();
        var client = FunctionHarness.Client();
        List<TicketInput> scheduled = [];
        OpensOnSchedule(_harness, client, scheduled, []);
        var first = await ReceiveAsync(client, Payloads.Urge(firstOrder, Now, Now.AddDays(-3)), "evt-twice");
        Assert.Equal("ticket_opened", (string?)first.Body!["outcome"]);

        var again = await ReceiveAsync(client, Payloads.Urge(otherOrder, Now, Now.AddDays(-3)), "evt-twice");

        Assert.Equal(200, again.Status);
        Assert.Equal(first.Text, again.Text);
        Assert.Equal(TicketIds.For(Marketplace, firstOrder), (string?)again.Body!["ticketId"]);
        Assert.Equal(TicketIds.For(Marketplace, firstOrder), Assert.Single(scheduled).TicketId);
        Assert.Null(await _harness.Tickets.ReadAsync(TicketIds.For(Marketplace, otherOrder), CancellationToken.None));
    }

    [Fact]
    public async Task GivenAnEventIdWhoseFirstDeliveryIsStillPending_WhenRedeliveredWithADifferentBody_ThenSendsTheFirstDeliverysCommandToTheFirstTicket()
    {
        await using var harness = await FunctionHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Http:CommandWait"] = "00:00:00.200" });
        var firstOrder = Payloads.NewOrderId();
        var otherOrder = Payloads.NewOrderId();
        var client = FunctionHarness.Client();
        List<TicketInput> scheduled = [];
        OpensOnSchedule(harness, client, scheduled, [], record: false); // the orchestration has not recorded anything yet
        var first = await ReceiveAsync(client, Payloads.Urge(firstOrder, Now, Now.AddDays(-3)), "evt-pending", harness);
        Assert.Equal(202, first.Status);

        var again = await ReceiveAsync(client, Payloads.Urge(otherOrder, Now, Now.AddDays(-3)), "evt-pending", harness);

        Assert.Equal(202, again.Status);
        Assert.Equal($"/api/tickets/{TicketIds.For(Marketplace, firstOrder)}", again.Location);
        Assert.Equal(2, scheduled.Count);
        Assert.All(scheduled, input =>
        {
            Assert.Equal(TicketIds.For(Marketplace, firstOrder), input.TicketId);
            Assert.Equal($"webhook:{Marketplace}:evt-pending", input.First!.CommandId);
            Assert.Equal(firstOrder, Assert.IsType<Domain.UrgeShipment>(input.First.Command).Order.OrderId);
        });
    }

    [Fact]
    public async Task GivenACompletedOrchestration_WhenAnUrgeForItsOrderArrives_ThenAnswersTicketExists_AndRaisesNothing()
    {
        var orderId = Payloads.NewOrderId();
        var ticket = await _harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        client.Setup(c => c.GetInstanceAsync(ticket.TicketId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(nameof(TicketOrchestrator), ticket.TicketId) { RuntimeStatus = OrchestrationRuntimeStatus.Completed });

        var answer = await ReceiveAsync(client, Payloads.Urge(orderId, Now, Now.AddDays(-3)), "evt-closed");

        Assert.Equal(200, answer.Status);
        Assert.Equal($$"""{"outcome":"ticket_exists","ticketId":"{{ticket.TicketId}}"}""", answer.Text);
        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
        client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task GivenAnUrgeWithinThePromisedTime_WhenReceived_ThenAnswersNoTicket_RecordsItForLater_AndStartsNothing()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = TicketIds.For(Marketplace, orderId);
        var client = FunctionHarness.Client();

        var answer = await ReceiveAsync(client, Payloads.Urge(orderId, Now, Now.AddHours(-47)), "evt-early");

        Assert.Equal(200, answer.Status);
        Assert.Equal("""{"outcome":"no_ticket","reason":"within_promised_time"}""", answer.Text);
        client.Verify(c => c.GetInstanceAsync(ticketId, It.IsAny<CancellationToken>()), Times.Once);
        client.VerifyNoOtherCalls();
        var prior = Assert.Single(await _harness.Tickets.ReadPriorUrgesAsync(ticketId, CancellationToken.None));
        Assert.Equal($"webhook:{Marketplace}:evt-early", prior.CommandId);
        Assert.IsType<UrgeRecorded>(prior.Event);
    }

    [Fact]
    public async Task GivenAnEarlierUrgeThatOpenedNothing_WhenAnOpeningUrgeArrives_ThenTheScheduledInputCarriesItAsAPriorUrge()
    {
        var orderId = Payloads.NewOrderId();
        var client = FunctionHarness.Client();
        await ReceiveAsync(client, Payloads.Urge(orderId, Now.AddHours(-2), Now.AddHours(-49)), "evt-too-early");
        List<TicketInput> scheduled = [];
        OpensOnSchedule(_harness, client, scheduled, []);

        var answer = await ReceiveAsync(client, Payloads.Urge(orderId, Now, Now.AddHours(-49)), "evt-late-enough");

        Assert.Equal("ticket_opened", (string?)answer.Body!["outcome"]);
        var input = Assert.Single(scheduled);
        var prior = Assert.Single(input.PriorUrges);
        Assert.Equal($"webhook:{Marketplace}:evt-too-early", prior.CommandId);
        Assert.Equal($"webhook:{Marketplace}:evt-late-enough", input.First!.CommandId);
    }

    [Fact]
    public async Task GivenAnotherDeliveryStartedTheTicketAMomentAgo_WhenTheScheduleIsRefused_ThenTheUrgeIsRaisedToThatInstance()
    {
        var orderId = Payloads.NewOrderId();
        var ticketId = TicketIds.For(Marketplace, orderId);
        var client = FunctionHarness.Client();
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException($"An orchestration with instance ID '{ticketId}' already exists."));
        FunctionHarness.Running(client, ticketId);
        List<CommandSignal> raised = [];
        OnRaise(client, ticketId, raised, signal => _harness.ApplyAsync(new Seeded(ticketId, 0, TicketState.Initial), signal));

        var answer = await ReceiveAsync(client, Payloads.Urge(orderId, Now, Now.AddDays(-3)), "evt-race");

        Assert.Equal(200, answer.Status);
        Assert.Equal("ticket_opened", (string?)answer.Body!["outcome"]);
        var signal = Assert.Single(raised);
        Assert.Equal($"webhook:{Marketplace}:evt-race", signal.CommandId);
        Assert.IsType<Domain.UrgeShipment>(signal.Command);
    }

    [Fact]
    public async Task GivenAFailedOrchestration_WhenAFactArrives_Then503TicketUnavailable_AndNothingIsRaised()
    {
        var orderId = Payloads.NewOrderId();
        var ticket = await _harness.OpenTicketAsync(orderId);
        var client = FunctionHarness.Client();
        client.Setup(c => c.GetInstanceAsync(ticket.TicketId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(nameof(TicketOrchestrator), ticket.TicketId) { RuntimeStatus = OrchestrationRuntimeStatus.Failed });

        var answer = await ReceiveAsync(client, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-failed");

        Assert.Equal(503, answer.Status);
        Assert.Equal("ticket_unavailable", answer.Code);
        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
