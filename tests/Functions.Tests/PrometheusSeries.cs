using System.Globalization;
using System.Text.RegularExpressions;

namespace UrgeShipment.Functions.Tests;

/// <summary>One sample line of a Prometheus text scrape (<c>GET /metrics</c>): name, labels and value.</summary>
public sealed partial record PrometheusSeries(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Every sample line of the text (comments and blank lines skipped; a trailing timestamp ignored).</summary>
    public static IReadOnlyList<PrometheusSeries> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var series = new List<PrometheusSeries>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            series.Add(new PrometheusSeries(match.Groups["name"].Value, labels, value));
        }
        return series;
    }

    public override string ToString() =>
        $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex Label();
}
