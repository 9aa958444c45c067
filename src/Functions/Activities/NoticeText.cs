using System.Globalization;

namespace UrgeShipment.Functions.Activities;

/// <summary>
/// Chat-card and seller-notice texts in zh-CN (default) and en. The tone follows PDD's guide: apologise first,
/// state the time to the hour in the shop's time zone, and always leave the buyer the option of a refund.
/// </summary>
public static class NoticeText
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public static readonly IReadOnlyList<string> Languages = [Chinese, English];

    private static readonly TimeZoneInfo Shanghai = Tickets.ShopTime.Zone;

    public static IReadOnlyDictionary<string, string> RenderAll(string template, IReadOnlyDictionary<string, string> parameters) =>
        Languages.ToDictionary(language => language, language => Render(template, parameters, language), StringComparer.Ordinal);

    public static string Render(string template, IReadOnlyDictionary<string, string> p, string language)
    {
        var zh = language != English;
        string P(string name) => p.TryGetValue(name, out var value) ? value : "";
        string Time(string name) => FormatTime(P(name), zh);
        return (template, zh) switch
        {
            ("ticket_opened", true) => $"【催发货】买家催促订单 {P("orderId")} 发货，请在 {Time("replyBy")} 前处理：发货、回复延迟发货时间、与买家协商或说明无法发货。",
            ("ticket_opened", false) => $"[Urge to ship] The buyer of order {P("orderId")} is asking for shipment. Please act before {Time("replyBy")}: ship, give a new ship time, propose a plan, or explain why you cannot ship.",
            ("seller_plan_delay", true) => $"亲，非常抱歉让您久等了！您的订单 {P("orderId")} 将在 {Time("shipBy")} 前发出。如果您不想再等，也可以随时申请退款，我们会第一时间处理。",
            ("seller_plan_delay", false) => $"We're very sorry to keep you waiting. Your order {P("orderId")} will ship by {Time("shipBy")}. If you'd rather not wait, you can request a refund at any time and we'll handle it right away.",
            ("seller_plan_negotiate", true) => $"亲，非常抱歉给您带来不便。关于订单 {P("orderId")}，商家提出的方案是：{P("plan")}。请在 {Time("confirmBy")} 前确认是否接受；如不接受，您也可以申请退款。",
            ("seller_plan_negotiate", false) => $"We're very sorry for the trouble. For order {P("orderId")} the seller proposes: {P("plan")}. Please tell us by {Time("confirmBy")} whether you accept; if not, you can also request a refund.",
            ("seller_cannot_ship", true) => $"亲，非常抱歉，您的订单 {P("orderId")} 暂时无法发货，原因：{P("reason")}。给您添麻烦了，您可以申请退款，我们会尽快为您处理。",
            ("seller_cannot_ship", false) => $"We're very sorry: order {P("orderId")} cannot be shipped for now. Reason: {P("reason")}. You can request a refund and we'll process it as quickly as we can.",
            ("compensation_granted", true) => $"亲，非常抱歉订单 {P("orderId")} 给您带来的不便，平台已为您发放{KindName(P("kind"), true)} {P("amount")} 元。再次向您致歉！",
            ("compensation_granted", false) => $"We're sorry for the trouble with order {P("orderId")}. You have been granted {P("amount")} CNY as {KindName(P("kind"), false)}. Our apologies again.",
            ("seller_reminder", true) => $"【催发货提醒】订单 {P("orderId")} 的{DeadlineName(P("deadline"), true)}将于 {Time("dueAt")} 到期，请尽快处理。",
            ("seller_reminder", false) => $"[Reminder] The {DeadlineName(P("deadline"), false)} of order {P("orderId")} ends at {Time("dueAt")}. Please act now.",
            _ => $"{template}: {string.Join(", ", p.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}",
        };
    }

    /// <summary>An instant in the shop's zone to the minute: "11月25日 18:00" / "18:00 on 25 Nov (UTC+8)".</summary>
    public static string FormatTime(string iso, bool zh)
    {
        if (!DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return iso;
        }
        var local = TimeZoneInfo.ConvertTime(at, Shanghai);
        return zh
            ? local.ToString("M月d日 HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("HH:mm 'on' d MMM yyyy '(UTC+8)'", CultureInfo.InvariantCulture);
    }

    private static string KindName(string kind, bool zh) => (kind, zh) switch
    {
        ("out_of_stock", true) => "缺货赔付",
        ("late_shipment", true) => "延迟发货赔付",
        ("complaint", true) => "投诉赔付",
        ("out_of_stock", false) => "out-of-stock compensation",
        ("late_shipment", false) => "late-shipment compensation",
        ("complaint", false) => "complaint compensation",
        _ => kind,
    };

    private static string DeadlineName(string deadline, bool zh) => (deadline, zh) switch
    {
        ("reply", true) => "回复时限",
        ("ship_by", true) => "承诺发货时间",
        ("buyer_confirmation", true) => "买家确认时限",
        ("reply", false) => "reply window",
        ("ship_by", false) => "promised ship time",
        ("buyer_confirmation", false) => "buyer confirmation window",
        _ => deadline,
    };
}
