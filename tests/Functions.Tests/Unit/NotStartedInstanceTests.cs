using Microsoft.DurableTask.Client;
using Moq;
using UrgeShipment.Functions.Http;
using UrgeShipment.Functions.Tickets;
using UrgeShipment.Tests.Shared;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary>An instance still Pending (scheduled, not started) past the wait: nothing is raised, so nothing may be acknowledged as durable.</summary>
[Collection(HostCollection.Name)]
public sealed class NotStartedInstanceTests(AzuriteServer azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = FunctionHarness.Now;

    private FunctionHarness _harness = null!;

    public async Task InitializeAsync() =>
        _harness = await FunctionHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Http:CommandWait"] = "00:00:00.200" });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static Mock<DurableTaskClient> NeverStarts(string ticketId)
    {
        var client = FunctionHarness.Client();
        client.Setup(c => c.GetInstanceAsync(ticketId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(nameof(TicketOrchestrator), ticketId) { RuntimeStatus = OrchestrationRuntimeStatus.Pending });
        client.Setup(c => c.WaitForInstanceStartAsync(ticketId, It.IsAny<CancellationToken>()))
            .Returns(async (string _, CancellationToken ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return null!;
            });
        return client;
    }

    [Fact]
    public async Task GivenAnInstanceNotStartedWithinTheWait_WhenAFactArrives_ThenNothingIsRaised_AndTheWebhookIsNotAcknowledgedWithA2xx()
    {
        // An urge scheduled the ticket a moment ago; its orchestration has not started (nothing recorded yet).
        var orderId = Payloads.NewOrderId();
        var client = NeverStarts(TicketIds.For(FunctionHarness.Marketplace, orderId));

        var result = await _harness.Create<WebhookFunctions>().ReceiveWebhook(
            _harness.Webhook(FunctionHarness.Marketplace, Payloads.Shipped(orderId, Now, false, ("SKU-1", 1)), "evt-not-started"),
            FunctionHarness.Marketplace, client.Object, CancellationToken.None);
        var answer = await _harness.RunAsync(result);

        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
        // "A 2xx means the event is durable" (WebhookFunctions): nothing was raised, so the marketplace must be told to retry.
        Assert.False(answer.Status is >= 200 and < 300, $"answered {answer.Status} {answer.Text} though nothing was raised");
    }

    [Fact]
    public async Task GivenAnInstanceNotStartedWithinTheWait_WhenTheSellerReplies_ThenNothingIsRaised_AndThe202PendingPromiseIsNotMade()
    {
        var ticket = await _harness.OpenTicketAsync(Payloads.NewOrderId());
        var client = NeverStarts(ticket.TicketId);
        var body = System.Text.Json.JsonSerializer.Serialize(new { kind = "delay", shipBy = Now.AddDays(2).ToString("O") });

        var request = _harness.Request("POST", $"/api/tickets/{ticket.TicketId}/reply", body, TicketHost.SellerKey);
        var answer = await _harness.CallAsync(request, nameof(TicketFunctions.ReplyToTicket),
            () => _harness.Create<TicketFunctions>().ReplyToTicket(request, ticket.TicketId, client.Object, CancellationToken.None));

        client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
        // PendingCommand: "the command is durable and will be applied": it was never raised.
        Assert.NotEqual(202, answer.Status);
    }
}
