using CsCheck;
using static UrgeShipment.Domain.Tests.Fixtures;

namespace UrgeShipment.Domain.Tests;

/// <summary>Invariants over random command sequences, for every marketplace policy we run.</summary>
public sealed class PropertyTests
{
    /// <summary>One random step: which command, how far the clock moves, two variant dials.</summary>
    public sealed record Move(int Op, int Minutes, int A, int B);

    public sealed record Scenario(int Market, decimal Paid, Move[] Steps)
    {
        public override string ToString() =>
            $"{Policies[Market].Marketplace}/{Policies[Market].Version} paid {Paid}: {string.Join(" ", Steps.Select(s => $"({s.Op},{s.Minutes},{s.A},{s.B})"))}";
    }

    /// <summary>Every built-in policy, the XHS-DELAY version dated in, and a configured mixed policy (compensate/escalate crossed).</summary>
    private static readonly MarketplacePolicy[] Policies =
    [
        MarketplacePolicies.Xhs2024,
        MarketplacePolicies.XhsDelay with { EffectiveFrom = PaidAt },
        MarketplacePolicies.Taobao2022,
        MarketplacePolicies.Tmall2022,
        MarketplacePolicies.Pinduoduo2022,
        MarketplacePolicies.Xhs2024 with
        {
            Marketplace = "douyin",
            Version = "DY-TEST",
            ReplyLapse = Consequence.Escalate,
            PlanRejection = Consequence.Escalate,
            AfterSaleCompletion = AfterSaleCompletion.OnRefundCompleted,
            ComplaintNetOfAutoCompensation = false,
            ComplaintAppliesAfterCompletion = true,
            FileComplaintOnEscalation = true,
            LateFactsAwaitLapse = false,
            CapCompensationAtPaidAmount = true,
        },
    ];

    private static readonly Gen<Move> GenMove =
        Gen.Select(Gen.Int[0, 31], Gen.Frequency((4, Gen.Int[0, 30]), (2, Gen.Int[0, 600]), (1, Gen.Int[0, 3000])), Gen.Int[0, 9], Gen.Int[0, 9],
            (op, minutes, a, b) => new Move(op, minutes, a, b));

    private static readonly Gen<Scenario> GenScenario =
        Gen.Select(Gen.Int[0, Policies.Length - 1], Gen.OneOf(Gen.Int[1, 400_000].Select(c => c / 100m), Gen.OneOf(59.90m, 100.10m, 199.00m, 388.88m, 2999.00m, 10.00m, 0.01m)), GenMove.Array[1, 40],
            (market, paid, steps) => new Scenario(market, paid, steps));

    private static readonly HashSet<string> KnownCodes =
        [.. typeof(RejectionCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void GivenRandomCommandSequences_WhenDecided_ThenInvariantsHold()
    {
        GenScenario.Sample(s => { Run(s); }, iter: 3000, print: s => s.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void GivenRandomCommandSequencesOnEachMarketplace_WhenDecided_ThenInvariantsHold(int market)
    {
        GenScenario.Select(s => s with { Market = market }).Sample(s => { Run(s); }, iter: 1000, print: s => s.ToString());
    }

    [Fact]
    public void GivenTheGenerator_WhenSampled_ThenItReachesEveryOutcomeAndEveryCompensationKind()
    {
        var reached = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        GenScenario.Sample(
            scenario =>
            {
                var state = Run(scenario, out var history);
                if (state.Outcome is { } outcome)
                {
                    reached[outcome.WireName()] = true;
                }

                foreach (var compensation in state.Compensations)
                {
                    reached[compensation.Kind.WireName()] = true;
                }

                if (state.NeedsReview)
                {
                    reached["needs_review"] = true;
                }

                foreach (var compensation in state.Compensations.Where(c => c.CancelledAt is not null))
                {
                    reached[compensation.WireStatus()] = true;
                }

                foreach (var change in history.Where(e => e is DeadlineExtended or ClockPaused or ClockResumed or ReviewResolved or SellerReminded))
                {
                    reached[change.GetType().Name] = true;
                }
            },
            iter: 3000);

        var expected = Enum.GetValues<TicketOutcome>().Select(o => o.WireName())
            .Concat(Enum.GetValues<CompensationKind>().Select(k => k.WireName()))
            .Append("needs_review")
            .Concat(["cancelled", nameof(DeadlineExtended), nameof(ClockPaused), nameof(ClockResumed), nameof(ReviewResolved), nameof(SellerReminded)]);
        Assert.All(expected, name => Assert.True(reached.ContainsKey(name), $"never reached {name}"));
    }

    private static TicketState Run(Scenario scenario) => Run(scenario, out _);

    private static TicketState Run(Scenario scenario, out List<TicketEvent> history)
    {
        var policy = Policies[scenario.Market];
        var order = AnOrder(scenario.Paid);
        var state = TicketState.Initial;
        history = [];
        var stated = new HashSet<Money>();
        var now = UrgedAt.AddHours(-2);
        var trackingNo = 0;

        foreach (var step in scenario.Steps)
        {
            now = now.AddMinutes(step.Minutes);
            var occurredAt = step.A switch
            {
                0 => now.AddSeconds(301 + step.B),
                1 => now.AddSeconds(300),
                _ => now.AddMinutes(-step.B),
            };

            var command = Command(step, state, policy, order, ref now, occurredAt, ref trackingNo);
            if (command is ResolveComplaint { Amount: { } amount })
            {
                stated.Add(amount);
            }

            var decision = TicketDecider.Decide(state, command);

            // Completed absorbs operator steering: only the review flag and work owed can still be handled.
            if (state.Status == TicketStatus.Completed && command is ExtendDeadline or PauseClock or ResumeClock or ForceComplete)
            {
                Assert.IsType<Decision.Rejected>(decision);
            }

            switch (decision)
            {
                case Decision.Rejected rejected:
                    Assert.Contains(rejected.Code, KnownCodes);
                    Assert.False(string.IsNullOrWhiteSpace(rejected.Detail));
                    break;
                case Decision.Accepted accepted:
                    Assert.NotEmpty(accepted.Events);
                    Assert.All(accepted.Events, e => Assert.Equal(command.Now, e.At));
                    var next = TicketDecider.Fold(state, accepted.Events);
                    Invariants(state, next, stated);
                    history.AddRange(accepted.Events);
                    state = next;
                    break;
                default:
                    Assert.Fail($"unexpected decision {decision}");
                    break;
            }
        }

        // Folding the emitted events reproduces the state, also after a JSON round-trip of the history.
        Assert.Equal(Json.Write(state), Json.Write(TicketDecider.Fold(history)));
        Assert.Equal(Json.Write(state), Json.Write(TicketDecider.Fold(Json.Read<List<TicketEvent>>(Json.Write(history)))));
        return state;
    }

    private static void Invariants(TicketState before, TicketState after, HashSet<Money> stated)
    {
        // Each compensation kind at most once per ticket; keys unique.
        Assert.Equal(after.Compensations.Count, after.Compensations.Select(c => c.Kind).Distinct().Count());
        Assert.Equal(after.Compensations.Count, after.Compensations.Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.Equal(after.Notices.Count, after.Notices.Select(n => n.Key).Distinct().Count());

        // Compensation only on a ticket, and within the policy's bounds.
        if (after.Compensations.Count > 0)
        {
            var policy = after.Policy!;
            var paid = after.Order!.PaidAmount;
            foreach (var compensation in after.Compensations)
            {
                Assert.True(compensation.Amount > Money.Zero);
                Assert.Equal(compensation.Amount, compensation.Amount.Round());
                if (compensation.Kind == CompensationKind.Complaint)
                {
                    Assert.True(stated.Contains(compensation.Amount) || compensation.Amount <= policy.ComplaintCompensation.Maximum, $"complaint {compensation.Amount}");
                }
                else
                {
                    Assert.True(compensation.Amount <= policy.AutoCompensation.Maximum, $"auto {compensation.Amount}");
                    Assert.True(compensation.Amount >= policy.AutoCompensation.Minimum || (policy.CapCompensationAtPaidAmount && compensation.Amount == paid), $"auto {compensation.Amount}");
                    Assert.True(!policy.CapCompensationAtPaidAmount || compensation.Amount <= paid);
                }
            }
        }

        // A ticket keeps the policy version it opened under.
        if (before.Policy is not null)
        {
            Assert.Same(before.Policy, after.Policy);
        }

        // Completed absorbs everything but complaints (and the bookkeeping of work already owed).
        if (before.Status == TicketStatus.Completed)
        {
            Assert.Equal(TicketStatus.Completed, after.Status);
            Assert.Equal(before.Outcome, after.Outcome);
            Assert.Equal(before.CompletedAt, after.CompletedAt);
            Assert.Equal(before.Reply, after.Reply);
            Assert.Equal(
                before.Compensations.Where(c => c.Kind != CompensationKind.Complaint).Select(c => (c.Kind, c.Amount)),
                after.Compensations.Where(c => c.Kind != CompensationKind.Complaint).Select(c => (c.Kind, c.Amount)));
            Assert.True(after.Compensations.Count == before.Compensations.Count || after.Policy!.ComplaintAppliesAfterCompletion);
        }

        // The active deadline always matches the state.
        Assert.Equal(
            after.Status switch
            {
                TicketStatus.AwaitingSellerReply => DeadlineKind.Reply,
                TicketStatus.AwaitingSellerExecution => DeadlineKind.ShipBy,
                TicketStatus.AwaitingBuyerConfirmation => DeadlineKind.BuyerConfirmation,
                _ => (DeadlineKind?)null,
            },
            after.ActiveDeadline?.Kind);
        Assert.Equal(after.Status == TicketStatus.Completed, after.Outcome is not null);
        Assert.True(after.Status != TicketStatus.Completed || after.PendingWork.All(w => w.Kind != WorkKind.FileComplaint), "a completed ticket files no complaint");
        Assert.True(after.Reply is null || after.Reply == before.Reply || before.Reply is null);

        // Settled money is never touched (not cancelled, not reversed, not re-owed).
        foreach (var settled in before.Compensations.Where(c => c.Status == WorkStatus.Done))
        {
            Assert.Contains(settled, after.Compensations);
        }

        // Cancelled or reversed compensation is no longer pending work.
        Assert.All(
            after.Compensations.Where(c => c.CancelledAt is not null || c.ReversedAt is not null),
            c => Assert.DoesNotContain(new WorkItem(c.IdempotencyKey, WorkKind.SettleCompensation), after.PendingWork));

        // Reminders: each sent once, each with its seller notice; none due while paused or without a running deadline.
        Assert.Equal(after.RemindersSent.Count, after.RemindersSent.Distinct().Count());
        Assert.All(after.RemindersSent, key => Assert.Contains(after.Notices, n => n.Key == key && n.Template == NoticeTemplates.SellerReminder));
        Assert.DoesNotContain(Reminders.Due(after), r => after.RemindersSent.Contains(r.Key));
        Assert.True(Reminders.Due(after).Count == 0 || (after.IsOpen && !after.IsPaused && after.ActiveDeadline is not null));
        Assert.Equal(after.ActiveDeadline is null, after.ActiveDeadlineSince is null);

        // A pause holds a running deadline that had not passed when it was taken.
        if (after.PausedAt is { } pausedAt)
        {
            Assert.True(after.IsOpen);
            Assert.NotNull(after.ActiveDeadline);
            Assert.True(pausedAt <= after.ActiveDeadline.DueAt);
        }

        // The active deadline keeps its grace and matches its field, however operators moved it.
        if (after.ActiveDeadline is { } active)
        {
            Assert.Equal(after.Policy!.LapseGrace, active.LapsesAt - active.DueAt);
            Assert.Equal(
                active.DueAt,
                active.Kind switch
                {
                    DeadlineKind.Reply => after.ReplyDeadline,
                    DeadlineKind.ShipBy => after.ShipByDeadline,
                    _ => after.BuyerConfirmationDeadline,
                });
        }
    }

    private static TicketCommand Command(Move step, TicketState state, MarketplacePolicy policy, Order order, ref DateTimeOffset now, DateTimeOffset occurredAt, ref int trackingNo)
    {
        string[] skus = ["SKU-A", "SKU-B", "SKU-Z"];
        switch (step.Op)
        {
            case 0:
            case 1:
            case 2:
                return new UrgeShipment(step.B == 9 ? order with { ShippedItems = order.Items } : order, policy, occurredAt, now);
            case 3:
                return new RecordShipment(new Shipment("SF", $"T{(step.B < 2 ? trackingNo : ++trackingNo)}", [new OrderLine(skus[step.B % 3], step.B == 8 ? 0 : 1 + (step.B % 2))], false), occurredAt, now);
            case 4:
                return new RecordShipment(step.B < 5 ? AllItems($"ALL{++trackingNo}") : Partial($"C{++trackingNo}") with { Complete = true }, occurredAt, now);
            case 5:
                return new OpenAfterSale(step.B % 2 == 0 ? AfterSaleKind.Refund : AfterSaleKind.ReturnRefund, occurredAt, now);
            case 6:
                return new CompleteRefund(occurredAt, now);
            case 7:
                return new ReportDelay(now.AddDays(1), occurredAt, now);
            case 8:
            case 9:
                return new ReplyWithDelay(now.AddHours(step.B * 16 - 8), $"R{step.A % 3}", now);
            case 10:
                return new ReplyWithPlan(step.B == 0 ? " " : "plan", step.B == 1 ? [] : ["evidence.png"], $"R{step.A % 3}", now);
            case 11:
                return new ReplyCannotShip(step.B == 0 ? "" : "no stock", $"R{step.A % 3}", now);
            case 12:
                return new AcceptPlan(occurredAt, now);
            case 13:
                return new RejectPlan(occurredAt, now);
            case 14:
                return new FileComplaint(step.B % 2 == 0 ? ComplaintReason.OutOfStock : ComplaintReason.LateShipment, occurredAt, now);
            case 15:
                return new ResolveComplaint(step.B < 6, step.A switch { < 5 => null, 5 => new Money(-1m), 6 => Money.Zero, _ => Money.Of(step.B * 37.5m) }, occurredAt, now);
            case 16:
            case 17:
            case 18:
                if (state.ActiveDeadline is { } active)
                {
                    if (step.A == 0)
                    {
                        return new LapseDeadline(active.Kind, active.DueAt, active.LapsesAt.AddTicks(-1));
                    }

                    if (now < active.LapsesAt)
                    {
                        now = active.LapsesAt.AddMinutes(step.B);
                    }

                    return new LapseDeadline(active.Kind, active.DueAt, now);
                }

                return new LapseDeadline((DeadlineKind)(step.B % 3), now.AddHours(-1), now);
            case 19:
                return new RecordCompensationSettled(Key(state, step), now);
            case 20:
                return new RecordNoticeDelivered(Key(state, step), now);
            case 21:
                return new RecordWorkFailed(Key(state, step), "poisoned", now);
            case 22:
                return new RetryWork(Key(state, step), step.B == 0 ? "" : "ops", "retry", now);
            case 23:
                return new RecordComplaintSubmitted(step.B == 0 ? "bogus" : TicketState.ComplaintFilingKey, now);
            case 24:
                return new UpholdAppeal((ForceMajeure)(step.B % 3), step.A == 0 ? [] : ["evidence.pdf"], occurredAt, "ops", now);
            case 25:
                return new ExtendDeadline(step.B switch { 0 => TimeSpan.Zero, 9 => TimeSpan.FromDays(8), _ => TimeSpan.FromHours(step.B * 3) }, step.A == 0 ? "" : "ops", step.A == 1 ? "" : "why", now);
            case 26:
                return new PauseClock(step.A == 0 ? "" : "ops", "why", now);
            case 27:
                return new ResumeClock("ops", step.A == 0 ? "" : "why", now);
            case 28:
                return new ResolveReview(step.B % 2 == 0, "ops", step.A == 0 ? "" : "why", now);
            case 29:
                return new ForceComplete(step.B < 7 ? "" : "ops", "why", now);
            case 30:
                return step.B < 5 ? new PauseClock("ops", "why", now) : new ResumeClock("ops", "why", now);
            case 31:
                var due = Reminders.Due(state);
                if (due.Count > 0 && step.A > 2)
                {
                    var reminder = due[step.B % due.Count];
                    if (now < reminder.At && step.A > 3)
                    {
                        now = reminder.At.AddMinutes(step.B);
                    }

                    return new RemindSeller(reminder.Key, now);
                }

                return new RemindSeller(step.A == 0 || state.RemindersSent.Count == 0 ? "reminder:reply:0:3600" : state.RemindersSent[step.B % state.RemindersSent.Count], now);
            default:
                return new ReportDelay(now.AddDays(1), occurredAt, now);
        }
    }

    private static string Key(TicketState state, Move step)
    {
        string[] keys =
        [
            .. state.Compensations.Select(c => c.IdempotencyKey),
            .. state.Notices.Select(n => n.Key),
            TicketState.ComplaintFilingKey,
            "bogus",
        ];
        return keys[(step.A * 10 + step.B) % keys.Length];
    }
}
