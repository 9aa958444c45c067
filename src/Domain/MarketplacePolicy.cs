namespace UrgeShipment.Domain;

/// <summary>
/// Every number and every marketplace difference in RULES.md, as data, versioned per marketplace.
/// A ticket keeps the version it opened under. Settings marked (chosen) are readings we chose where the
/// sources are silent, each one protecting the buyer. The defaults here are the only ones: a policy file
/// (<see cref="MarketplacePolicies.Parse"/>) must give every <c>required</c> member and may omit the rest.
/// </summary>
public sealed record MarketplacePolicy
{
    /// <summary>Marketplace id: <c>xiaohongshu</c>, <c>taobao</c>, <c>tmall</c>, <c>pinduoduo</c>, …</summary>
    public required string Marketplace { get; init; }

    /// <summary>Version label, e.g. <c>XHS-2024</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Tickets opened at or after this instant use this version (the latest one that is effective).</summary>
    public required DateTimeOffset EffectiveFrom { get; init; }

    /// <summary>The seller's reply window after a ticket opens (24 h).</summary>
    public required TimeSpan ReplyWindow { get; init; }

    /// <summary>How long the buyer has to confirm a negotiated plan (24 h).</summary>
    public required TimeSpan BuyerConfirmationWindow { get; init; }

    /// <summary>A delay reply's shipBy may be at most this far after the reply (5 days).</summary>
    public required TimeSpan MaxDelay { get; init; }

    /// <summary>Promised ship time when the order gives none: paid time + this (48 h, XHS-DELAY).</summary>
    public required TimeSpan DefaultShipWindow { get; init; }

    /// <summary>A deadline lapses only at due + grace, to absorb webhook delay (120 s).</summary>
    public TimeSpan LapseGrace { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>An occurredAt more than this after now is rejected (300 s).</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Whether an opened after-sale or only a completed refund completes a ticket.</summary>
    public required AfterSaleCompletion AfterSaleCompletion { get; init; }

    /// <summary>What happens when the reply deadline lapses. XHS: compensate (chosen, XHS-DELAY); TB/Tmall/PDD: escalate (TB-2022).</summary>
    public required Consequence ReplyLapse { get; init; }

    /// <summary>What happens when a delay reply's shipBy lapses. XHS: compensate (XHS-2024); others: escalate (chosen).</summary>
    public required Consequence ShipByLapse { get; init; }

    /// <summary>What happens when the buyer rejects a negotiated plan. XHS: compensate; others: escalate (TB-2022).</summary>
    public required Consequence PlanRejection { get; init; }

    /// <summary>What a <c>cannot_ship</c> reply leads to. XHS: compensate; others: escalate (chosen).</summary>
    public required Consequence CannotShip { get; init; }

    /// <summary>Custom-made goods open no ticket (TB-2022).</summary>
    public required bool ExcludeCustomCategory { get; init; }

    /// <summary>Virtual goods open no ticket (TB-2022).</summary>
    public required bool ExcludeVirtualCategory { get; init; }

    /// <summary>Presale orders (deposit or full) open no ticket (TB-2022).</summary>
    public required bool ExcludePresale { get; init; }

    /// <summary>Exempt buyer or ship-from regions open no ticket (TB-2022).</summary>
    public required bool HonourExemptRegion { get; init; }

    /// <summary>Out-of-stock and late-shipment auto-compensation (XHS-2024: 5%, ¥5–¥100).</summary>
    public required CompensationScale AutoCompensation { get; init; }

    /// <summary>Complaint compensation when a complaint is upheld and the platform states no amount (XHS-2024: 30%, ¥5–¥100).</summary>
    public required CompensationScale ComplaintCompensation { get; init; }

    /// <summary>The complaint formula pays only the top-up over auto-compensation already paid on the ticket (XHS-2024).</summary>
    public required bool ComplaintNetOfAutoCompensation { get; init; }

    /// <summary>A complaint resolution still applies on a completed ticket (XHS-2024: "valid on a completed XHS ticket").</summary>
    public required bool ComplaintAppliesAfterCompletion { get; init; }

    /// <summary>Seller reminders this long before the active deadline (4 h, 1 h).</summary>
    public IReadOnlyList<TimeSpan> ReminderLeadTimes { get; init; } = [TimeSpan.FromHours(4), TimeSpan.FromHours(1)];

    /// <summary>At most this many reminders per seller account per day (10, TB-2022).</summary>
    public int ReminderDailyCapPerAccount { get; init; } = 10;

    /// <summary>Violation points for the first ticket that ends in compensation (2, XHS-DELAY).</summary>
    public int FirstViolationPoints { get; init; } = 2;

    /// <summary>Violation points for each further one within <see cref="RepeatViolationWindow"/> of the previous (4, XHS-DELAY).</summary>
    public int RepeatViolationPoints { get; init; } = 4;

    /// <summary>The window for a repeat violation (30 days, XHS-DELAY).</summary>
    public TimeSpan RepeatViolationWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Two-week on-time shipping rate below which a shop gets general points; null = not configured (no source gives the number).</summary>
    public decimal? OnTimeRateThreshold { get; init; }

    /// <summary>General violation points for a cycle below <see cref="OnTimeRateThreshold"/> (5, XHS-OVERDUE).</summary>
    public int OnTimeGeneralPoints { get; init; } = 5;

    /// <summary>More than this many packages in a cycle … (20, XHS-OVERDUE).</summary>
    public int OnTimeSeriousMinPackages { get; init; } = 20;

    /// <summary>… and an on-time rate below this → serious points (0.50, XHS-OVERDUE).</summary>
    public decimal OnTimeSeriousRate { get; init; } = 0.50m;

    /// <summary>Serious violation points (5, XHS-OVERDUE).</summary>
    public int OnTimeSeriousPoints { get; init; } = 5;

    /// <summary>An appeal must be filed within this many working days (Mon–Fri, local) of the violation (7, XHS-DELAY).</summary>
    public int AppealWindowWorkingDays { get; init; } = 7;

    /// <summary>The shop's local offset for working days (default Asia/Shanghai, +08:00; China has no DST).</summary>
    public TimeSpan LocalUtcOffset { get; init; } = TimeSpan.FromHours(8);

    /// <summary>(chosen) An upheld appeal reverses only unsettled late-shipment compensation; out-of-stock and complaint compensation stand.</summary>
    public bool AppealReversesOnlyLateShipment { get; init; } = true;

    /// <summary>
    /// (chosen) Every escalation to platform intervention files a complaint on the buyer's behalf, not only a
    /// lapsed reply (TB-2022): intervention ends only with a complaint resolution, so one must exist.
    /// </summary>
    public required bool FileComplaintOnEscalation { get; init; }

    /// <summary>(chosen) A buyer complaint filed while the ticket is open escalates it to platform intervention at once.</summary>
    public bool ComplaintEscalatesOpenTicket { get; init; } = true;

    /// <summary>(chosen) An upheld complaint resolution that arrives while the ticket awaits the seller or buyer applies at once (compensation, completed).</summary>
    public bool UpheldComplaintCompletesOpenTicket { get; init; } = true;

    /// <summary>(chosen) A fact proving in-time action that arrives after the lapse was committed is recorded and flags the ticket for review (the lapse stands).</summary>
    public bool FlagInTimeProofAfterLapse { get; init; } = true;

    /// <summary>(as written: false) Cap any compensation at the amount actually paid. RULES.md: the minimum applies even above the paid amount.</summary>
    public bool CapCompensationAtPaidAmount { get; init; }

    /// <summary>(chosen) The most an operator may move the active deadline in one <see cref="ExtendDeadline"/> (7 days).</summary>
    public TimeSpan MaxOperatorExtension { get; init; } = TimeSpan.FromDays(7);

    /// <summary>(chosen) A shipment whose occurredAt is after the active deadline is recorded but does not complete the ticket; the lapse decides.</summary>
    public bool LateFactsAwaitLapse { get; init; } = true;

    /// <summary>
    /// (chosen) How long a completed ticket still accepts events (a complaint on a completed XHS ticket, an appeal, late proof
    /// of in-time action, an operator's review) before it closes (30 days: past the 7-working-day appeal window). A closed
    /// ticket answers later events as ignored. A ticket that owes money, has failed work or awaits review never closes.
    /// </summary>
    public TimeSpan AcceptEventsAfterCompletion { get; init; } = TimeSpan.FromDays(30);
}
