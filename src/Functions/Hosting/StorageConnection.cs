using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;

namespace UrgeShipment.Functions.Hosting;

/// <summary>
/// A storage connection as the Functions host reads one (<c>AzureWebJobsStorage</c>): a connection string, or
/// identity-based settings under the same name — <c>__accountName</c>, or <c>__blobServiceUri</c>,
/// <c>__queueServiceUri</c> and <c>__tableServiceUri</c>; <c>__credential=managedidentity</c> (with <c>__clientId</c>
/// for a user-assigned identity) or, without it, the default Azure credential chain. No account key is needed then.
/// </summary>
public sealed class StorageConnection
{
    private StorageConnection(string name, string? connectionString, Uri? blob, Uri? queue, Uri? table, TokenCredential? credential)
    {
        Name = name;
        ConnectionString = connectionString;
        BlobUri = blob;
        QueueUri = queue;
        TableUri = table;
        Credential = credential;
    }

    public string Name { get; }

    /// <summary>Set for a connection string; null for an identity-based connection.</summary>
    public string? ConnectionString { get; }

    public Uri? BlobUri { get; }

    public Uri? QueueUri { get; }

    public Uri? TableUri { get; }

    public TokenCredential? Credential { get; }

    public static StorageConnection From(IConfiguration configuration, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[name] is { Length: > 0 } connectionString)
        {
            return new StorageConnection(name, connectionString, null, null, null, null);
        }
        var section = configuration.GetSection(name);
        var account = section["accountName"];
        Uri? ServiceUri(string service) =>
            section[service + "ServiceUri"] is { Length: > 0 } uri ? new Uri(uri, UriKind.Absolute)
            : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
            : null;
        var (blob, queue, table) = (ServiceUri("blob"), ServiceUri("queue"), ServiceUri("table"));
        if (blob is null || queue is null || table is null)
        {
            throw new InvalidOperationException(
                $"{name} is not set: give a connection string (locally: copy local.settings.sample.json to local.settings.json), or " +
                $"{name}__accountName (or {name}__blobServiceUri, __queueServiceUri and __tableServiceUri) for an identity-based connection.");
        }
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
        return new StorageConnection(name, null, blob, queue, table, credential);
    }

    public TableServiceClient Tables(TableClientOptions options) =>
        ConnectionString is { } c ? new TableServiceClient(c, options) : new TableServiceClient(TableUri!, Credential!, options);
}
