namespace UrgeShipment.Domain.Tests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("2.995", "3.00")]
    [InlineData("5.005", "5.01")]
    [InlineData("-5.005", "-5.01")]
    [InlineData("116.664", "116.66")]
    [InlineData("199", "199.00")]
    public void GivenAnAmount_WhenRounded_ThenToTheFenAwayFromZero(string amount, string expected)
    {
        Assert.Equal(expected, Money.Of(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)).ToString());
    }

    [Fact]
    public void GivenMoney_WhenFormatted_ThenTwoDecimalsInvariant()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("1234.50", Money.Of(1234.5m).ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void GivenBounds_WhenClamped_ThenWithinThem()
    {
        Assert.Equal(Money.Of(5m), Money.Of(3m).Clamp(Money.Of(5m), Money.Of(100m)));
        Assert.Equal(Money.Of(100m), Money.Of(116.66m).Clamp(Money.Of(5m), Money.Of(100m)));
        Assert.Equal(Money.Of(50m), Money.Of(50m).Clamp(Money.Of(5m), Money.Of(100m)));
    }

    [Fact]
    public void GivenText_WhenParsed_ThenOnlyFenAmounts()
    {
        Assert.Equal(Money.Of(199m), Money.TryParse("199.00"));
        Assert.Null(Money.TryParse("1.001"));
        Assert.Null(Money.TryParse("abc"));
        Assert.Equal(Money.Of(5m), Money.TryParse("5"));
        Assert.All(["-1.00", "+1.00", "1e2", " 1.00", "1,000.00", "", null], text => Assert.Null(Money.TryParse(text)));
        Assert.Null(Money.Exact(-0.01m));
        Assert.Null(Money.Exact(0.005m));
        Assert.Equal(Money.Zero, Money.Exact(0m));
    }

    [Fact]
    public void GivenAmounts_WhenAddedAndSubtracted_ThenExactDecimal()
    {
        Assert.Equal(Money.Of(0.30m), Money.Of(0.10m) + Money.Of(0.20m));
        Assert.Equal(Money.Of(49.75m), Money.Of(59.70m) - Money.Of(9.95m));
    }
}
