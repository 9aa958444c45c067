using Azure.Identity;
using Microsoft.Extensions.Configuration;
using UrgeShipment.Functions.Hosting;

namespace UrgeShipment.Functions.Tests.Unit;

/// <summary><see cref="StorageConnection"/>: <c>AzureWebJobsStorage</c> read as the Functions host reads it (deployed: identity, no key).</summary>
public sealed class StorageConnectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void GivenAConnectionString_ThenItIsUsedAsIs()
    {
        var connection = StorageConnection.From(Config(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));
        Assert.Equal("UseDevelopmentStorage=true", connection.ConnectionString);
        Assert.Null(connection.Credential);
    }

    [Fact]
    public void GivenAnAccountNameAndManagedIdentity_ThenTheThreeServiceUrisAndAManagedIdentityCredential()
    {
        var connection = StorageConnection.From(Config(("AzureWebJobsStorage:accountName", "urgeprod"), ("AzureWebJobsStorage:credential", "managedidentity")));
        Assert.Null(connection.ConnectionString);
        Assert.Equal(new Uri("https://urgeprod.blob.core.windows.net"), connection.BlobUri);
        Assert.Equal(new Uri("https://urgeprod.queue.core.windows.net"), connection.QueueUri);
        Assert.Equal(new Uri("https://urgeprod.table.core.windows.net"), connection.TableUri);
        Assert.IsType<ManagedIdentityCredential>(connection.Credential);
        Assert.Equal(new Uri("https://urgeprod.table.core.windows.net/"), connection.Tables(new Azure.Data.Tables.TableClientOptions()).Uri);
    }

    [Fact]
    public void GivenExplicitServiceUris_ThenTheyWinOverTheAccountName_AndWithoutACredentialSettingTheDefaultChainIsUsed()
    {
        var connection = StorageConnection.From(Config(
            ("AzureWebJobsStorage:accountName", "ignored"),
            ("AzureWebJobsStorage:blobServiceUri", "https://b.example.net"),
            ("AzureWebJobsStorage:queueServiceUri", "https://q.example.net"),
            ("AzureWebJobsStorage:tableServiceUri", "https://t.example.net")));
        Assert.Equal(new Uri("https://b.example.net"), connection.BlobUri);
        Assert.Equal(new Uri("https://q.example.net"), connection.QueueUri);
        Assert.Equal(new Uri("https://t.example.net"), connection.TableUri);
        Assert.IsType<DefaultAzureCredential>(connection.Credential);
    }

    [Fact]
    public void GivenNothing_ThenStartingFails_SayingWhatToSet()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => StorageConnection.From(Config()));
        Assert.Contains("AzureWebJobsStorage__accountName", refused.Message, StringComparison.Ordinal);
        Assert.Contains("local.settings.sample.json", refused.Message, StringComparison.Ordinal);
    }
}
