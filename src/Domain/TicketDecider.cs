using System.Globalization;

namespace UrgeShipment.Domain;

/// <summary>
/// The ticket as a decider: <see cref="Decide"/> (state, command) → events or a refusal; <see cref="Evolve"/>
/// (state, event) → state. Pure: time comes in on the command. Every (state, command) pair is answered explicitly.
/// </summary>
public static partial class TicketDecider
{
    /// <summary>Future skew allowed before a ticket (and so its policy) exists (RULES.md: 300 s).</summary>
    public static readonly TimeSpan DefaultMaxFutureSkew = TimeSpan.FromSeconds(300);

    public static Decision Decide(TicketState state, TicketCommand command) => command switch
    {
        UrgeShipment c => Urge(state, c),
        RecordShipment c => Ship(state, c),
        OpenAfterSale c => AfterSale(state, c),
        CompleteRefund c => Refund(state, c),
        ReportDelay c => DelayReport(state, c),
        ReplyWithDelay c => Reply(state, c, c.ReplyId, () => ReplyDelay(state, c)),
        ReplyWithPlan c => Reply(state, c, c.ReplyId, () => ReplyPlan(state, c)),
        ReplyCannotShip c => Reply(state, c, c.ReplyId, () => ReplyCannot(state, c)),
        AcceptPlan c => PlanAnswer(state, c, c.OccurredAt, accepted: true),
        RejectPlan c => PlanAnswer(state, c, c.OccurredAt, accepted: false),
        FileComplaint c => Complaint(state, c),
        ResolveComplaint c => Resolution(state, c),
        LapseDeadline c => Lapse(state, c),
        RecordCompensationSettled c => Settled(state, c),
        RecordNoticeDelivered c => Delivered(state, c),
        RecordComplaintSubmitted c => Submitted(state, c),
        RecordWorkFailed c => Failed(state, c),
        RetryWork c => Retry(state, c),
        UpholdAppeal c => Appeal(state, c),
        ExtendDeadline c => Extend(state, c),
        PauseClock c => Pause(state, c),
        ResumeClock c => Resume(state, c),
        ResolveReview c => ResolveFlag(state, c),
        ForceComplete c => Force(state, c),
        RemindSeller c => Remind(state, c),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a ticket command"),
    };

    public static TicketState Fold(IEnumerable<TicketEvent> events) => events.Aggregate(TicketState.Initial, Evolve);

    public static TicketState Fold(TicketState state, IEnumerable<TicketEvent> events) => events.Aggregate(state, Evolve);

    // ---------------------------------------------------------------- buyer.urged

    private static Decision Urge(TicketState state, UrgeShipment c)
    {
        if (Future(c.OccurredAt, c.Now, c.Policy.MaxFutureSkew) is { } future)
        {
            return future;
        }

        if (state.Order is { } known && !string.Equals(known.OrderId, c.Order.OrderId, StringComparison.Ordinal))
        {
            return Reject(RejectionCodes.OrderMismatch, $"this ticket is for order {known.OrderId}, not {c.Order.OrderId}");
        }

        if (c.Order.Items.Any(l => l.Qty <= 0) || c.Order.ShippedItems.Any(l => l.Qty < 0))
        {
            return Reject(RejectionCodes.InvalidQuantity, "order quantities must be positive");
        }

        if (Money.Exact(c.Order.PaidAmount.Amount) is null)
        {
            return Reject(RejectionCodes.InvalidAmount, "paidAmount must be ≥ 0.00 with at most two decimals");
        }

        switch (state.Status)
        {
            case TicketStatus.None:
                var outcome = Eligibility.Check(c.Order, c.Policy, c.OccurredAt);
                var urged = new UrgeRecorded(new Urge(c.OccurredAt, c.Now, outcome), c.Order, c.Now);
                if (!outcome.Opens)
                {
                    return Accept(urged);
                }

                var due = c.OccurredAt + c.Policy.ReplyWindow;
                return Accept(
                    urged,
                    new TicketOpened(c.Order, c.Policy, c.OccurredAt, new ActiveDeadline(DeadlineKind.Reply, due, due + c.Policy.LapseGrace), c.Now),
                    Notify(NoticeTemplates.TicketOpenedKey, NoticeAudience.Seller, NoticeTemplates.TicketOpened, c.Now, ("orderId", c.Order.OrderId), ("replyBy", Instant(due))));
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                // One ticket per order, in any state: the urge is recorded (the seller's urged-orders list).
                return Accept(new UrgeRecorded(new Urge(c.OccurredAt, c.Now, UrgeOutcome.TicketExists), c.Order, c.Now));
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- order.shipped

    private static Decision Ship(TicketState state, RecordShipment c)
    {
        if (Future(state, c.OccurredAt, c.Now) is { } future)
        {
            return future;
        }

        if (c.Shipment.Items is null)
        {
            return Reject(RejectionCodes.InvalidQuantity, "a shipment needs its items");
        }

        if (c.Shipment.Items.Any(l => l.Qty <= 0) || (c.Shipment.Items.Count == 0 && !c.Shipment.Complete))
        {
            return Reject(RejectionCodes.InvalidQuantity, "a shipment needs at least one line, each with qty ≥ 1 (or complete: true)");
        }

        if (state.Order is { } order
            && c.Shipment.Items.FirstOrDefault(l => !order.Items.Any(o => string.Equals(o.Sku, l.Sku, StringComparison.Ordinal))) is { } stranger)
        {
            return Reject(RejectionCodes.UnknownSku, $"sku '{stranger.Sku}' is not on order {order.OrderId}");
        }

        if (state.Status == TicketStatus.None)
        {
            return Ignore(IgnoredReasons.NoTicket, "order.shipped", c.Now);
        }

        if (state.Shipments.Any(s => string.Equals(s.Shipment.Carrier, c.Shipment.Carrier, StringComparison.Ordinal)
                                     && string.Equals(s.Shipment.TrackingNo, c.Shipment.TrackingNo, StringComparison.Ordinal)))
        {
            return Ignore(IgnoredReasons.Duplicate, "order.shipped", c.Now);
        }

        var recorded = new ShipmentRecorded(c.Shipment, c.OccurredAt, c.Now);
        var after = Evolve(state, recorded);
        var allShipped = after.Shipments.Any(s => s.Shipment.Complete) || Fulfilment.AllShipped(after.Order!.Items, after.Order.ShippedItems.Concat(after.Shipments.SelectMany(s => s.Shipment.Items)));
        var allShippedAt = after.Shipments.Max(s => s.OccurredAt);
        var policy = state.Policy!;

        switch (state.Status)
        {
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                return allShipped && InTimeOrLenient(state, allShippedAt)
                    ? Accept(recorded, new TicketCompleted(TicketOutcome.Shipped, c.Now))
                    : Accept(recorded);
            case TicketStatus.PlatformIntervention:
                // Intervention ends only with a complaint resolution; the shipment still counts.
                return allShipped && ProvesInTimeAfterLapse(state, allShippedAt)
                    ? Accept(recorded, new FlaggedForReview(ReviewReasons.InTimeShipmentAfterLapse, c.Now))
                    : Accept(recorded);
            case TicketStatus.Completed:
                return allShipped && ProvesInTimeAfterLapse(state, allShippedAt) && policy.FlagInTimeProofAfterLapse
                    ? Accept(recorded, new FlaggedForReview(ReviewReasons.InTimeShipmentAfterLapse, c.Now))
                    : Ignore(IgnoredReasons.TicketCompleted, "order.shipped", c.Now);
            case TicketStatus.None:
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- order.after_sale_opened / order.refunded

    private static Decision AfterSale(TicketState state, OpenAfterSale c)
    {
        if (Future(state, c.OccurredAt, c.Now) is { } future)
        {
            return future;
        }

        if (state.Status == TicketStatus.None)
        {
            return Ignore(IgnoredReasons.NoTicket, "order.after_sale_opened", c.Now);
        }

        if (state.AfterSaleOpenedAt is not null)
        {
            return Ignore(IgnoredReasons.Duplicate, "order.after_sale_opened", c.Now);
        }

        var opened = new AfterSaleOpened(c.Kind, c.OccurredAt, c.Now);
        var completes = state.Policy!.AfterSaleCompletion == AfterSaleCompletion.OnOpened;
        return AfterSaleFact(state, opened, completes, c.OccurredAt, c.Now, "order.after_sale_opened");
    }

    private static Decision Refund(TicketState state, CompleteRefund c)
    {
        if (Future(state, c.OccurredAt, c.Now) is { } future)
        {
            return future;
        }

        if (state.Status == TicketStatus.None)
        {
            return Ignore(IgnoredReasons.NoTicket, "order.refunded", c.Now);
        }

        if (state.RefundCompletedAt is not null)
        {
            return Ignore(IgnoredReasons.Duplicate, "order.refunded", c.Now);
        }

        // A completed refund implies an after-sale was opened: it completes under either rule.
        return AfterSaleFact(state, new RefundCompleted(c.OccurredAt, c.Now), completes: true, c.OccurredAt, c.Now, "order.refunded");
    }

    private static Decision.Accepted AfterSaleFact(TicketState state, TicketEvent fact, bool completes, DateTimeOffset occurredAt, DateTimeOffset now, string what)
    {
        switch (state.Status)
        {
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                return completes && InTimeOrLenient(state, occurredAt)
                    ? Accept(fact, new TicketCompleted(TicketOutcome.AfterSale, now))
                    : Accept(fact);
            case TicketStatus.PlatformIntervention:
                return completes && ProvesInTimeAfterLapse(state, occurredAt)
                    ? Accept(fact, new FlaggedForReview(ReviewReasons.InTimeAfterSaleAfterLapse, now))
                    : Accept(fact);
            case TicketStatus.Completed:
                return completes && ProvesInTimeAfterLapse(state, occurredAt)
                    ? Accept(fact, new FlaggedForReview(ReviewReasons.InTimeAfterSaleAfterLapse, now))
                    : Ignore(IgnoredReasons.TicketCompleted, what, now);
            case TicketStatus.None:
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- order.delay_reported

    private static Decision DelayReport(TicketState state, ReportDelay c)
    {
        if (Future(state, c.OccurredAt, c.Now) is { } future)
        {
            return future;
        }

        // A delay report decides only whether an urge opens a ticket (check 5, from the order in the urge).
        // Once a ticket is open it does not suspend it (chosen: protects the buyer).
        return state.Status switch
        {
            TicketStatus.None => Ignore(IgnoredReasons.NoTicket, "order.delay_reported", c.Now),
            TicketStatus.AwaitingSellerReply => Ignore(IgnoredReasons.NotApplicableInState, "order.delay_reported", c.Now),
            TicketStatus.AwaitingSellerExecution => Ignore(IgnoredReasons.NotApplicableInState, "order.delay_reported", c.Now),
            TicketStatus.AwaitingBuyerConfirmation => Ignore(IgnoredReasons.NotApplicableInState, "order.delay_reported", c.Now),
            TicketStatus.PlatformIntervention => Ignore(IgnoredReasons.NotApplicableInState, "order.delay_reported", c.Now),
            TicketStatus.Completed => Ignore(IgnoredReasons.TicketCompleted, "order.delay_reported", c.Now),
            _ => throw Unknown(state.Status),
        };
    }

    // ---------------------------------------------------------------- seller replies

    private static Decision Reply(TicketState state, TicketCommand c, string replyId, Func<Decision> apply)
    {
        if (state.Status == TicketStatus.None)
        {
            return Reject(RejectionCodes.NoTicket, "there is no ticket for this order");
        }

        if (string.IsNullOrWhiteSpace(replyId))
        {
            return Reject(RejectionCodes.ReplyIdRequired, "replyId is required");
        }

        if (state.Reply is { } earlier)
        {
            return string.Equals(earlier.ReplyId, replyId, StringComparison.Ordinal)
                ? Ignore(IgnoredReasons.Duplicate, "seller.reply", c.Now)
                : Reject(RejectionCodes.AlreadyReplied, $"the seller already replied '{earlier.Kind.WireName()}' at {Instant(earlier.At)}");
        }

        // While the clock is paused the reply window cannot close (a pause is taken only before the deadline).
        var windowClosed = state.ReplyDeadline is { } deadline && c.Now > deadline && !state.IsPaused;
        switch (state.Status)
        {
            case TicketStatus.AwaitingSellerReply:
                return windowClosed
                    ? Reject(RejectionCodes.ReplyWindowClosed, $"the reply window closed at {Instant(state.ReplyDeadline!.Value)}")
                    : apply();
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                // Only reachable through a reply, which was handled above.
                return Reject(RejectionCodes.AlreadyReplied, "the seller already replied");
            case TicketStatus.PlatformIntervention:
            case TicketStatus.Completed:
                return windowClosed
                    ? Reject(RejectionCodes.ReplyWindowClosed, $"the reply window closed at {Instant(state.ReplyDeadline!.Value)}")
                    : Reject(RejectionCodes.InvalidState, $"the ticket is {state.Status.WireName()}, not awaiting_seller_reply");
            case TicketStatus.None:
            default:
                throw Unknown(state.Status);
        }
    }

    private static Decision ReplyDelay(TicketState state, ReplyWithDelay c)
    {
        var policy = state.Policy!;
        if (c.ShipBy <= c.Now || c.ShipBy > c.Now + policy.MaxDelay)
        {
            return Reject(RejectionCodes.DelayOutOfRange, $"shipBy must be after the reply time and at most {policy.MaxDelay.TotalDays.ToString(CultureInfo.InvariantCulture)} days after it");
        }

        var reply = new SellerReply(ReplyKind.Delay, c.Now, c.ReplyId, c.ShipBy, null, [], null);
        return Accept(
            new SellerRepliedWithDelay(reply, new ActiveDeadline(DeadlineKind.ShipBy, c.ShipBy, c.ShipBy + policy.LapseGrace), c.Now),
            Notify(NoticeTemplates.SellerReplyKey, NoticeAudience.Buyer, NoticeTemplates.SellerPlanDelay, c.Now, ("orderId", state.Order!.OrderId), ("shipBy", Instant(c.ShipBy))));
    }

    private static Decision ReplyPlan(TicketState state, ReplyWithPlan c)
    {
        var policy = state.Policy!;
        if (string.IsNullOrWhiteSpace(c.Plan))
        {
            return Reject(RejectionCodes.PlanRequired, "a negotiate reply needs the plan");
        }

        var evidence = (c.Evidence ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToArray();
        if (evidence.Length == 0)
        {
            return Reject(RejectionCodes.EvidenceRequired, "a negotiate reply needs at least one evidence item (XHS-2024 需上传协商凭证)");
        }

        var due = c.Now + policy.BuyerConfirmationWindow;
        var reply = new SellerReply(ReplyKind.Negotiate, c.Now, c.ReplyId, null, c.Plan.Trim(), evidence, null);
        return Accept(
            new SellerRepliedWithPlan(reply, new ActiveDeadline(DeadlineKind.BuyerConfirmation, due, due + policy.LapseGrace), c.Now),
            Notify(NoticeTemplates.SellerReplyKey, NoticeAudience.Buyer, NoticeTemplates.SellerPlanNegotiate, c.Now, ("orderId", state.Order!.OrderId), ("plan", c.Plan.Trim()), ("confirmBy", Instant(due))));
    }

    private static Decision ReplyCannot(TicketState state, ReplyCannotShip c)
    {
        var policy = state.Policy!;
        if (string.IsNullOrWhiteSpace(c.Reason))
        {
            return Reject(RejectionCodes.ReasonRequired, "a cannot_ship reply needs a reason (it is sent to the buyer)");
        }

        var reply = new SellerReply(ReplyKind.CannotShip, c.Now, c.ReplyId, null, null, [], c.Reason.Trim());
        return Accept([
            new SellerRepliedCannotShip(reply, c.Now),
            Notify(NoticeTemplates.SellerReplyKey, NoticeAudience.Buyer, NoticeTemplates.SellerCannotShip, c.Now, ("orderId", state.Order!.OrderId), ("reason", c.Reason.Trim())),
            .. Consequences(state, policy.CannotShip, CompensationKind.OutOfStock, TicketOutcome.OutOfStockCompensated, ReviewReasons.CannotShip, c.Now),
        ]);
    }

    // ---------------------------------------------------------------- buyer.plan_accepted / buyer.plan_rejected

    private static Decision PlanAnswer(TicketState state, TicketCommand c, DateTimeOffset occurredAt, bool accepted)
    {
        var what = accepted ? "buyer.plan_accepted" : "buyer.plan_rejected";
        if (Future(state, occurredAt, c.Now) is { } future)
        {
            return future;
        }

        TicketEvent answer = accepted ? new PlanAccepted(occurredAt, c.Now) : new PlanRejected(occurredAt, c.Now);
        var inTimeAfterLapse = state.LastLapse is { Kind: DeadlineKind.BuyerConfirmation } lapse && occurredAt <= lapse.DueAt;
        switch (state.Status)
        {
            case TicketStatus.None:
                return Ignore(IgnoredReasons.NoTicket, what, c.Now);
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
                return Ignore(IgnoredReasons.NotApplicableInState, what, c.Now);
            case TicketStatus.AwaitingBuyerConfirmation:
                if (state.PlanAccepted is not null)
                {
                    return Ignore(IgnoredReasons.Duplicate, what, c.Now);
                }

                if (!InTimeOrLenient(state, occurredAt))
                {
                    // Answered after the deadline: recorded; the lapse decides (buyer_confirmation_timed_out).
                    return Accept(answer);
                }

                return accepted
                    ? Accept(answer, new TicketCompleted(TicketOutcome.BuyerAccepted, c.Now))
                    : Accept([answer, .. Consequences(state, state.Policy!.PlanRejection, CompensationKind.OutOfStock, TicketOutcome.OutOfStockCompensated, ReviewReasons.PlanRejected, c.Now)]);
            case TicketStatus.PlatformIntervention:
                return state.PlanAccepted is not null
                    ? Ignore(IgnoredReasons.Duplicate, what, c.Now)
                    : Ignore(IgnoredReasons.NotApplicableInState, what, c.Now);
            case TicketStatus.Completed:
                if (state.PlanAccepted is not null)
                {
                    return Ignore(IgnoredReasons.Duplicate, what, c.Now);
                }

                return inTimeAfterLapse && state.Policy!.FlagInTimeProofAfterLapse
                    ? Accept(answer, new FlaggedForReview(ReviewReasons.InTimePlanAnswerAfterLapse, c.Now))
                    : Ignore(IgnoredReasons.TicketCompleted, what, c.Now);
            default:
                throw Unknown(state.Status);
        }
    }

    // ---------------------------------------------------------------- complaint.filed / complaint.resolved

    private static Decision Complaint(TicketState state, FileComplaint c)
    {
        const string What = "complaint.filed";
        if (Future(state, c.OccurredAt, c.Now) is { } future)
        {
            return future;
        }

        var filed = new ComplaintFiled(c.Reason, c.OccurredAt, c.Now);
        if (state.Complaints.Any(k => k.Reason == c.Reason && k.OccurredAt == c.OccurredAt))
        {
            return state.HasTicket ? Ignore(IgnoredReasons.Duplicate, What, c.Now) : Ignore(IgnoredReasons.NoTicket, What, c.Now);
        }

        switch (state.Status)
        {
            case TicketStatus.None:
                return Ignore(IgnoredReasons.NoTicket, What, c.Now);
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                return state.Policy!.ComplaintEscalatesOpenTicket
                    ? Accept(filed, new TicketEscalated(ReviewReasons.ComplaintFiled, ComplaintFilingRequired: false, c.Now))
                    : Accept(filed);
            case TicketStatus.PlatformIntervention:
                return Accept(filed);
            case TicketStatus.Completed:
                return state.Policy!.ComplaintAppliesAfterCompletion && state.ComplaintUpheld is null
                    ? Accept(filed)
                    : Ignore(IgnoredReasons.TicketCompleted, What, c.Now);
            default:
                throw Unknown(state.Status);
        }
    }

    private static Decision Resolution(TicketState state, ResolveComplaint c)
    {
        const string What = "complaint.resolved";
        if (Future(state, c.OccurredAt, c.Now) is { } future)
        {
            return future;
        }

        if (c.Amount is { } stated && Money.Exact(stated.Amount) is null)
        {
            return Reject(RejectionCodes.InvalidAmount, "compensationAmount must be ≥ 0.00 with at most two decimals");
        }

        if (state.Status == TicketStatus.None)
        {
            return Ignore(IgnoredReasons.NoTicket, What, c.Now);
        }

        if (state.ComplaintUpheld is not null)
        {
            return Ignore(IgnoredReasons.Duplicate, What, c.Now);
        }

        var resolved = new ComplaintResolved(c.Upheld, c.Amount, c.OccurredAt, c.Now);
        var policy = state.Policy!;
        switch (state.Status)
        {
            case TicketStatus.PlatformIntervention:
                return Accept(EndIntervention(state, c, resolved));
            case TicketStatus.AwaitingSellerReply:
            case TicketStatus.AwaitingSellerExecution:
            case TicketStatus.AwaitingBuyerConfirmation:
                return c.Upheld && policy.UpheldComplaintCompletesOpenTicket
                    ? Accept(EndIntervention(state, c, resolved))
                    : Ignore(IgnoredReasons.NotApplicableInState, What, c.Now);
            case TicketStatus.Completed:
                // XHS: the complaint top-up applies on a completed ticket; the outcome stays.
                return policy.ComplaintAppliesAfterCompletion
                    ? Accept([resolved, .. c.Upheld ? ComplaintCompensation(state, c.Amount, c.Now) : []])
                    : Ignore(IgnoredReasons.TicketCompleted, What, c.Now);
            case TicketStatus.None:
            default:
                throw Unknown(state.Status);
        }
    }

    private static TicketEvent[] EndIntervention(TicketState state, ResolveComplaint c, ComplaintResolved resolved) =>
        c.Upheld
            ? [resolved, .. ComplaintCompensation(state, c.Amount, c.Now), new TicketCompleted(TicketOutcome.ComplaintUpheld, c.Now)]
            : [resolved, new TicketCompleted(TicketOutcome.ComplaintRejected, c.Now)];

    /// <summary>
    /// The platform's stated amount when given; else the policy's complaint formula, minus the auto-compensation
    /// already on this ticket when the policy nets it (XHS top-up). Zero records nothing.
    /// </summary>
    public static Money ComplaintAmount(MarketplacePolicy policy, Money paid, Money autoAlreadyPaid, Money? stated = null)
    {
        if (stated is { } amount)
        {
            return amount;
        }

        var formula = Cap(policy, policy.ComplaintCompensation.Apply(paid), paid);
        return policy.ComplaintNetOfAutoCompensation ? Money.Max(Money.Zero, formula - autoAlreadyPaid) : formula;
    }

    /// <summary>The auto-compensation (out-of-stock or late-shipment) a policy pays on an order paid <paramref name="paid"/>.</summary>
    public static Money AutoCompensationAmount(MarketplacePolicy policy, Money paid) =>
        Cap(policy, policy.AutoCompensation.Apply(paid), paid);

    private static Money Cap(MarketplacePolicy policy, Money amount, Money paid) =>
        policy.CapCompensationAtPaidAmount ? Money.Min(amount, paid) : amount;

    private static IEnumerable<TicketEvent> ComplaintCompensation(TicketState state, Money? stated, DateTimeOffset now) =>
        Compensate(state, CompensationKind.Complaint, ComplaintAmount(state.Policy!, state.Order!.PaidAmount, state.AutoCompensationTotal, stated), now);

    // ---------------------------------------------------------------- timer

    private static Decision Lapse(TicketState state, LapseDeadline c)
    {
        var what = $"deadline.{c.Kind.WireName()}";
        if (state.ActiveDeadline is not { } active || active.Kind != c.Kind || active.DueAt != c.DueAt)
        {
            return Ignore(state.HasTicket ? IgnoredReasons.StaleDeadline : IgnoredReasons.NoTicket, what, c.Now);
        }

        if (state.IsPaused)
        {
            // Recorded, no effect: the deadline moves later by the paused time when an operator resumes the clock.
            return Ignore(IgnoredReasons.ClockPaused, what, c.Now);
        }

        if (c.Now < active.LapsesAt)
        {
            return Reject(RejectionCodes.DeadlineNotDue, $"the {c.Kind.WireName()} deadline lapses at {Instant(active.LapsesAt)} (due + grace)");
        }

        var lapsed = new DeadlineLapsed(c.Kind, c.DueAt, c.Now);
        var policy = state.Policy!;
        return (state.Status, c.Kind) switch
        {
            (TicketStatus.AwaitingSellerReply, DeadlineKind.Reply) =>
                Accept([lapsed, .. Consequences(state, policy.ReplyLapse, CompensationKind.LateShipment, TicketOutcome.LateShipmentCompensated, ReviewReasons.ReplyLapsed, c.Now)]),
            (TicketStatus.AwaitingSellerExecution, DeadlineKind.ShipBy) =>
                Accept([lapsed, .. Consequences(state, policy.ShipByLapse, CompensationKind.LateShipment, TicketOutcome.LateShipmentCompensated, ReviewReasons.ShipByLapsed, c.Now)]),
            (TicketStatus.AwaitingBuyerConfirmation, DeadlineKind.BuyerConfirmation) =>
                Accept(lapsed, new TicketCompleted(TicketOutcome.BuyerConfirmationTimedOut, c.Now)),
            // Any other pairing cannot be the active deadline (Evolve keeps kind and state together); it is stale.
            (TicketStatus.None or TicketStatus.AwaitingSellerReply or TicketStatus.AwaitingSellerExecution or TicketStatus.AwaitingBuyerConfirmation
                or TicketStatus.PlatformIntervention or TicketStatus.Completed, _) => Ignore(IgnoredReasons.StaleDeadline, what, c.Now),
            _ => throw Unknown(state.Status),
        };
    }

    // ---------------------------------------------------------------- work bookkeeping (in every state: effects owed outlive the ticket)

    private static Decision Settled(TicketState state, RecordCompensationSettled c)
    {
        var compensation = state.Compensations.FirstOrDefault(x => string.Equals(x.IdempotencyKey, c.IdempotencyKey, StringComparison.Ordinal));
        return compensation?.Status switch
        {
            null => Reject(RejectionCodes.UnknownWorkItem, $"no compensation '{c.IdempotencyKey}' on this ticket"),
            WorkStatus.Pending or WorkStatus.Failed when compensation.ReversedAt is not null =>
                Accept(new CompensationSettled(c.IdempotencyKey, c.Now), new FlaggedForReview(ReviewReasons.SettledAfterReversal, c.Now)),
            WorkStatus.Pending or WorkStatus.Failed when compensation.CancelledAt is not null =>
                Accept(new CompensationSettled(c.IdempotencyKey, c.Now), new FlaggedForReview(ReviewReasons.SettledAfterCancellation, c.Now)),
            WorkStatus.Pending or WorkStatus.Failed => Accept(new CompensationSettled(c.IdempotencyKey, c.Now)),
            WorkStatus.Done => Ignore(IgnoredReasons.Duplicate, "compensation.settled", c.Now),
            _ => throw new ArgumentOutOfRangeException(nameof(c), compensation.Status, "unknown work status"),
        };
    }

    private static Decision Delivered(TicketState state, RecordNoticeDelivered c)
    {
        var notice = state.Notices.FirstOrDefault(x => string.Equals(x.Key, c.Key, StringComparison.Ordinal));
        return notice?.Status switch
        {
            null => Reject(RejectionCodes.UnknownWorkItem, $"no notice '{c.Key}' on this ticket"),
            WorkStatus.Pending or WorkStatus.Failed => Accept(new NoticeDelivered(c.Key, c.Now)),
            WorkStatus.Done => Ignore(IgnoredReasons.Duplicate, "notice.delivered", c.Now),
            _ => throw new ArgumentOutOfRangeException(nameof(c), notice.Status, "unknown work status"),
        };
    }

    private static Decision Submitted(TicketState state, RecordComplaintSubmitted c) =>
        (string.Equals(c.Key, TicketState.ComplaintFilingKey, StringComparison.Ordinal) ? state.ComplaintFiling : null) switch
        {
            null => Reject(RejectionCodes.UnknownWorkItem, $"no complaint filing '{c.Key}' on this ticket"),
            WorkStatus.Pending or WorkStatus.Failed => Accept(new ComplaintSubmitted(c.Key, c.Now)),
            WorkStatus.Done => Ignore(IgnoredReasons.Duplicate, "complaint.submitted", c.Now),
            _ => throw new ArgumentOutOfRangeException(nameof(c), state.ComplaintFiling, "unknown work status"),
        };

    private static Decision Failed(TicketState state, RecordWorkFailed c) =>
        WorkStatusOf(state, c.Key) switch
        {
            null => Reject(RejectionCodes.UnknownWorkItem, $"no work item '{c.Key}' on this ticket"),

            // An operator cancelled it: a late poison report of work no longer owed changes nothing.
            WorkStatus.Pending or WorkStatus.Failed when IsCancelled(state, c.Key) => Ignore(IgnoredReasons.NotApplicableInState, "work.failed", c.Now),
            WorkStatus.Pending => Accept(new WorkFailed(c.Key, c.Failure, c.Now), new FlaggedForReview(ReviewReasons.WorkFailedPrefix + c.Key, c.Now)),
            WorkStatus.Failed => Ignore(IgnoredReasons.Duplicate, "work.failed", c.Now),
            WorkStatus.Done => Ignore(IgnoredReasons.NotApplicableInState, "work.failed", c.Now),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Key, "unknown work status"),
        };

    private static Decision Retry(TicketState state, RetryWork c)
    {
        if (string.IsNullOrWhiteSpace(c.Operator))
        {
            return Reject(RejectionCodes.OperatorRequired, "an operator retry names the operator");
        }

        if (string.IsNullOrWhiteSpace(c.Why))
        {
            return Reject(RejectionCodes.ReasonRequired, "an operator retry says why");
        }

        if (state.Compensations.Any(x => string.Equals(x.IdempotencyKey, c.Key, StringComparison.Ordinal) && x.ReversedAt is not null))
        {
            return Reject(RejectionCodes.InvalidState, $"compensation '{c.Key}' was reversed by an upheld appeal");
        }

        if (IsCancelled(state, c.Key))
        {
            return Reject(RejectionCodes.InvalidState, $"work item '{c.Key}' was cancelled by an operator");
        }

        return WorkStatusOf(state, c.Key) switch
        {
            null => Reject(RejectionCodes.UnknownWorkItem, $"no work item '{c.Key}' on this ticket"),
            WorkStatus.Failed => Accept(new WorkRetried(c.Key, c.Operator, c.Why, c.Now)),
            WorkStatus.Pending => Reject(RejectionCodes.InvalidState, $"work item '{c.Key}' is pending, not failed"),
            WorkStatus.Done => Reject(RejectionCodes.InvalidState, $"work item '{c.Key}' is done, not failed"),
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Key, "unknown work status"),
        };
    }

    // ---------------------------------------------------------------- appeals (XHS-DELAY)

    private static Decision Appeal(TicketState state, UpholdAppeal c)
    {
        if (state.Status == TicketStatus.None)
        {
            return Reject(RejectionCodes.NoTicket, "there is no ticket for this order");
        }

        var policy = state.Policy!;
        if (Future(c.FiledAt, c.Now, policy.MaxFutureSkew) is { } future)
        {
            return future;
        }

        if (string.IsNullOrWhiteSpace(c.Operator))
        {
            return Reject(RejectionCodes.OperatorRequired, "an upheld appeal names the operator");
        }

        if (c.Evidence is null || !c.Evidence.Any(e => !string.IsNullOrWhiteSpace(e)))
        {
            return Reject(RejectionCodes.EvidenceRequired, "an appeal needs force-majeure evidence");
        }

        if (state.AppealUpheldAt is not null)
        {
            return Ignore(IgnoredReasons.Duplicate, "appeal.upheld", c.Now);
        }

        var violation = state.Compensations.Where(x => x.Kind != CompensationKind.Complaint).MinBy(x => x.AssessedAt);
        if (violation is null)
        {
            return Reject(RejectionCodes.InvalidState, "no auto-compensation on this ticket: nothing to appeal");
        }

        var deadline = Appeals.Deadline(violation.AssessedAt, policy);
        if (c.FiledAt > deadline)
        {
            return Reject(RejectionCodes.AppealWindowClosed, $"an appeal had to be filed by {Instant(deadline)} ({policy.AppealWindowWorkingDays} working days)");
        }

        var reversed = state.Compensations
            .Where(x => x.Status != WorkStatus.Done && x.ReversedAt is null && x.CancelledAt is null
                        && (x.Kind == CompensationKind.LateShipment || (!policy.AppealReversesOnlyLateShipment && x.Kind == CompensationKind.OutOfStock)))
            .Select(x => x.IdempotencyKey)
            .ToArray();
        return Accept(new AppealUpheld(c.Cause, [.. c.Evidence.Where(e => !string.IsNullOrWhiteSpace(e))], c.FiledAt, c.Operator, reversed, c.Now));
    }

    private static bool IsCancelled(TicketState state, string key) =>
        state.Compensations.Any(x => string.Equals(x.IdempotencyKey, key, StringComparison.Ordinal) && x.CancelledAt is not null)
        || state.Notices.Any(x => string.Equals(x.Key, key, StringComparison.Ordinal) && x.CancelledAt is not null);

    private static WorkStatus? WorkStatusOf(TicketState state, string key) =>
        state.Compensations.FirstOrDefault(x => string.Equals(x.IdempotencyKey, key, StringComparison.Ordinal))?.Status
        ?? state.Notices.FirstOrDefault(x => string.Equals(x.Key, key, StringComparison.Ordinal))?.Status
        ?? (string.Equals(key, TicketState.ComplaintFilingKey, StringComparison.Ordinal) ? state.ComplaintFiling : null);

    // ---------------------------------------------------------------- consequences

    private static IEnumerable<TicketEvent> Consequences(TicketState state, Consequence consequence, CompensationKind kind, TicketOutcome outcome, string escalationReason, DateTimeOffset now) =>
        consequence switch
        {
            Consequence.Compensate =>
                [.. Compensate(state, kind, AutoCompensationAmount(state.Policy!, state.Order!.PaidAmount), now), new TicketCompleted(outcome, now)],
            Consequence.Escalate => [new TicketEscalated(escalationReason, state.Policy!.FileComplaintOnEscalation, now)],
            _ => throw new ArgumentOutOfRangeException(nameof(consequence), consequence, null),
        };

    /// <summary>Each kind at most once per ticket; zero records nothing. The buyer is told (chat card).</summary>
    private static IEnumerable<TicketEvent> Compensate(TicketState state, CompensationKind kind, Money amount, DateTimeOffset now)
    {
        if (state.HasCompensation(kind) || amount <= Money.Zero)
        {
            return [];
        }

        return
        [
            new CompensationAssessed(kind, amount, kind.WireName(), now),
            Notify(NoticeTemplates.CompensationKey(kind), NoticeAudience.Buyer, NoticeTemplates.CompensationGranted, now,
                ("orderId", state.Order!.OrderId), ("kind", kind.WireName()), ("amount", amount.ToString()), ("currency", Money.Currency)),
        ];
    }

    // ---------------------------------------------------------------- time

    private static Decision.Rejected? Future(TicketState state, DateTimeOffset occurredAt, DateTimeOffset now) =>
        Future(occurredAt, now, state.Policy?.MaxFutureSkew ?? DefaultMaxFutureSkew);

    private static Decision.Rejected? Future(DateTimeOffset occurredAt, DateTimeOffset now, TimeSpan skew) =>
        occurredAt > now + skew
            ? new Decision.Rejected(RejectionCodes.OccurredInFuture, $"occurredAt {Instant(occurredAt)} is more than {skew.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s after now {Instant(now)}")
            : null;

    /// <summary>
    /// A fact is in time when it occurred at or before the active deadline (an instant). While the clock is paused every
    /// fact is in time: a pause is taken only before the deadline and, on resume, the deadline moves later by the paused time.
    /// </summary>
    private static bool InTimeOrLenient(TicketState state, DateTimeOffset occurredAt) =>
        state.ActiveDeadline is not { } active || occurredAt <= active.DueAt || state.IsPaused || !state.Policy!.LateFactsAwaitLapse;

    /// <summary>A fact that occurred at or before a deadline that has already lapsed.</summary>
    private static bool ProvesInTimeAfterLapse(TicketState state, DateTimeOffset occurredAt) =>
        state.LastLapse is { } lapse && occurredAt <= lapse.DueAt && state.Policy!.FlagInTimeProofAfterLapse;

    private static string Instant(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- helpers

    private static Decision.Accepted Accept(params TicketEvent[] events) => new(events);

    private static Decision.Rejected Reject(string code, string detail) => new(code, detail);

    private static Decision.Accepted Ignore(string reason, string what, DateTimeOffset now) => new([new EventIgnored(reason, what, now)]);

    private static NoticeQueued Notify(string key, NoticeAudience audience, string template, DateTimeOffset now, params (string Name, string Value)[] parameters) =>
        new(new Notice(key, audience, template, parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal), WorkStatus.Pending, now), now);

    private static ArgumentOutOfRangeException Unknown(TicketStatus status) =>
        new(nameof(status), status, "not a ticket status this decider knows");
}
