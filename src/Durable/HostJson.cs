using System.Globalization;
using System.Text.Json;

namespace UrgeShipment.Durable;

/// <summary>Reads the queue-listener settings of an Azure Functions <c>host.json</c>.</summary>
public static class HostJson
{
    /// <summary>
    /// <c>extensions.queues</c> of the host.json at <paramref name="path"/> (batchSize, newBatchThreshold,
    /// maxPollingInterval, visibilityTimeout, maxDequeueCount), with Azure Functions' meanings and defaults for
    /// anything missing. Durations are "hh:mm:ss" (or "d.hh:mm:ss"); a bare number is milliseconds.
    /// </summary>
    public static QueueListenerOptions ReadQueueOptions(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });

        var options = new QueueListenerOptions();
        if (!TryGet(document.RootElement, "extensions", out var extensions) || !TryGet(extensions, "queues", out var queues))
        {
            return options;
        }

        if (TryGet(queues, "batchSize", out var batchSize))
        {
            var value = batchSize.GetInt32();
            if (value is < 1 or > 32)
            {
                throw new InvalidDataException($"{path}: extensions.queues.batchSize must be 1..32, was {value}.");
            }

            options = options with { BatchSize = value };
        }

        if (TryGet(queues, "newBatchThreshold", out var threshold))
        {
            options = options with { NewBatchThreshold = Math.Max(0, threshold.GetInt32()) };
        }

        if (TryGet(queues, "maxPollingInterval", out var maxPolling))
        {
            options = options with { MaxPollingInterval = ParseDuration(path, "maxPollingInterval", maxPolling) };
        }

        if (TryGet(queues, "visibilityTimeout", out var visibility))
        {
            options = options with { VisibilityTimeout = ParseDuration(path, "visibilityTimeout", visibility) };
        }

        if (TryGet(queues, "maxDequeueCount", out var maxDequeue))
        {
            options = options with { MaxDequeueCount = Math.Max(1, maxDequeue.GetInt32()) };
        }

        return options;
    }

    private static TimeSpan ParseDuration(string path, string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return TimeSpan.FromMilliseconds(value.GetDouble());
        }

        if (value.ValueKind == JsonValueKind.String
            && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var parsed)
            && parsed >= TimeSpan.Zero)
        {
            return parsed;
        }

        throw new InvalidDataException($"{path}: extensions.queues.{name} must be a duration \"hh:mm:ss\", was {value.GetRawText()}.");
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return value.ValueKind != JsonValueKind.Null;
                }
            }
        }

        value = default;
        return false;
    }
}
