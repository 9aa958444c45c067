namespace UrgeShipment.Functions.Hosting;

/// <summary><c>--role web|worker|all</c>: HTTP functions, queue functions, or both in one process (the default).</summary>
public sealed record HostRole(bool ServesHttp, bool RunsWorkers)
{
    public static HostRole Parse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "all" => new HostRole(true, true),
        "web" => new HostRole(true, false),
        "worker" => new HostRole(false, true),
        _ => throw new InvalidOperationException($"Role must be web, worker or all, not '{value}'."),
    };
}
