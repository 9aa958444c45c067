namespace UrgeShipment.Functions.Hosting;

/// <summary>Names of UrgeShipment's meters (rendered on <c>GET /metrics</c>).</summary>
public static class Telemetry
{
    public const string MeterName = "UrgeShipment";
}
