namespace UrgeShipment.Domain;

/// <summary>Appeal window arithmetic (XHS-DELAY: within 7 working days of the violation notice).</summary>
public static class Appeals
{
    /// <summary>
    /// The last instant an appeal may be filed: the end of the Nth working day (Mon–Fri, in the policy's local offset)
    /// after the local day of <paramref name="violationAt"/>. Public holidays are not modelled (a later day is never lost to them).
    /// </summary>
    public static DateTimeOffset Deadline(DateTimeOffset violationAt, MarketplacePolicy policy)
    {
        var day = violationAt.ToOffset(policy.LocalUtcOffset).Date;
        var counted = 0;
        while (counted < policy.AppealWindowWorkingDays)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                counted++;
            }
        }

        return new DateTimeOffset(day.AddDays(1), policy.LocalUtcOffset).AddTicks(-1);
    }
}
