using System.Globalization;

namespace UrgeShipment.Bench;

/// <summary>Command-line options (bench/run.sh and bench/settings.sh pass them; see bench/README.md).</summary>
internal sealed class Options
{
    /// <summary><c>ours</c> and <c>report</c> (bench/run.sh), <c>settings</c> (one configuration of bench/settings.sh), <c>settings-plan</c>, <c>settings-report</c>, <c>settings-pick</c>.</summary>
    public string Mode { get; private set; } = "ours";
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:7071");
    public string AdminKey { get; private set; } = "";
    public string SellerKey { get; private set; } = "";
    public string Shop { get; private set; } = "shop-bench";
    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);
    public int N { get; private set; } = 500;
    public int Open { get; private set; } = 10_000;
    public double PhaseMinutes { get; private set; } = 6;
    public double OpenMinutes { get; private set; } = 8;
    public double LapseWindowSeconds { get; private set; } = 900;
    public int M { get; private set; } = 100;
    public int Concurrency { get; private set; } = 16;
    public int IdleSeconds { get; private set; } = 60;
    public int IdleSettleSeconds { get; private set; }
    public double QuietSeconds { get; private set; } = 3;
    public int TimeoutMinutes { get; private set; } = 30;
    public string? ResultsPath { get; private set; }
    public string Revision { get; private set; } = "";
    public string? Hub { get; set; }

    // settings mode
    public string Label { get; private set; } = "";
    public int Sequence { get; private set; }
    public int Partitions { get; private set; }
    public string Polling { get; private set; } = "";
    public bool Extended { get; private set; }
    public string FastMarketplace { get; private set; } = "benchfast";
    public double LapseBoundSeconds { get; private set; } = 60;
    public double JumpLeadSeconds { get; private set; } = 5;
    public int JumpM { get; private set; }
    public int Lone { get; private set; } = 3;
    public double LoneSpacingSeconds { get; private set; }
    public double TargetBoundSeconds { get; private set; } = 2;
    public int HostPid { get; private set; }
    public string? InputDir { get; private set; }
    public string Notes { get; private set; } = "";

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            switch (args[i])
            {
                case "--mode": o.Mode = v; break;
                case "--base": o.BaseUrl = new Uri(v); break;
                case "--admin-key": o.AdminKey = v; break;
                case "--seller-key": o.SellerKey = v; break;
                case "--shop": o.Shop = v; break;
                case var s when s.StartsWith("--secret-", StringComparison.Ordinal): o.Secrets[s["--secret-".Length..]] = v; break;
                case "--n": o.N = Int(v, 1, 100_000); break;
                case "--open": o.Open = Int(v, 0, 1_000_000); break;
                case "--phase-minutes": o.PhaseMinutes = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 0.1, 120); break;
                case "--open-minutes": o.OpenMinutes = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 0.1, 120); break;
                case "--lapse-window-seconds": o.LapseWindowSeconds = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 30, 86_400); break;
                case "--m": o.M = Int(v, 1, 100_000); break;
                case "--concurrency": o.Concurrency = Int(v, 1, 256); break;
                case "--idle-seconds": o.IdleSeconds = Int(v, 2, 3600); break;
                case "--idle-settle-seconds": o.IdleSettleSeconds = Int(v, 0, 600); break;
                case "--quiet-seconds": o.QuietSeconds = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 0.5, 120); break;
                case "--timeout-minutes": o.TimeoutMinutes = Int(v, 1, 240); break;
                case "--results": o.ResultsPath = v; break;
                case "--revision": o.Revision = v; break;
                case "--label": o.Label = v; break;
                case "--sequence": o.Sequence = Int(v, 0, 10_000); break;
                case "--partitions": o.Partitions = Int(v, 1, 16); break;
                case "--polling": o.Polling = v; break;
                case "--extended": o.Extended = bool.Parse(v); break;
                case "--fast-marketplace": o.FastMarketplace = v; break;
                case "--lapse-bound-seconds": o.LapseBoundSeconds = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 1, 3600); break;
                case "--jump-lead-seconds": o.JumpLeadSeconds = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 1, 600); break;
                case "--jump-m": o.JumpM = Int(v, 1, 100_000); break;
                case "--lone": o.Lone = Int(v, 0, 50); break;
                case "--lone-spacing-seconds": o.LoneSpacingSeconds = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 0, 600); break;
                case "--target-bound-seconds": o.TargetBoundSeconds = Math.Clamp(double.Parse(v, CultureInfo.InvariantCulture), 0.1, 600); break;
                case "--host-pid": o.HostPid = Int(v, 0, int.MaxValue); break;
                case "--in": o.InputDir = v; break;
                case "--notes": o.Notes = v; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }
        if (o.Mode is "settings-plan")
        {
            return o;
        }
        if (o.Mode is "settings-report" or "settings-pick" or "report")
        {
            if (o.InputDir is null)
            {
                throw new ArgumentException("Needs --in <directory of settings results>.");
            }
            return o;
        }
        if (o.AdminKey.Length == 0 || o.SellerKey.Length == 0 || !o.Secrets.ContainsKey("xiaohongshu") || !o.Secrets.ContainsKey("taobao"))
        {
            throw new ArgumentException("Needs --admin-key, --seller-key, --secret-xiaohongshu and --secret-taobao (bench/run.sh passes them).");
        }
        if (o.Mode is "settings" or "ours" && !o.Secrets.ContainsKey(o.FastMarketplace))
        {
            throw new ArgumentException($"Mode {o.Mode} needs --secret-{o.FastMarketplace} (bench/run.sh and bench/settings.sh pass it).");
        }
        return o;
    }

    private static int Int(string v, int min, int max) => Math.Clamp(int.Parse(v, CultureInfo.InvariantCulture), min, max);
}
