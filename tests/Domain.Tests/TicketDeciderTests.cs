namespace UrgeShipment.Domain.Tests;

/// <summary>Given/When/Then over the decider, one partial file per command.</summary>
public sealed partial class TicketDeciderTests;
