using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UrgeShipment.Infra.Tests;

/// <summary>
/// What main.bicep deploys (<see cref="TemplateSnapshots"/>): the Function App on Flex Consumption with its own
/// identity, identity-based storage that refuses keys, the app settings the app reads, Key Vault references for every
/// secret and key hash, Entra ID telemetry, and exactly the roles the identity needs.
/// </summary>
public sealed partial class TemplateTests(TemplateSnapshots snapshots) : IClassFixture<TemplateSnapshots>
{
    private const string DurableTask = "AzureFunctionsJobHost__extensions__durableTask__";

    private static readonly string[] Marketplaces = ["taobao", "tmall", "xiaohongshu", "pinduoduo"];

    private TemplateSnapshot Example => snapshots.Example;

    [Fact]
    public void FunctionApp_RunsOnFlexConsumption_AsDotnetIsolated10_WithASystemAssignedIdentity()
    {
        var plan = Example.One("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool)plan["properties"]!["reserved"]!);

        var site = Example.One("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("SystemAssigned", (string?)site["identity"]!["type"]);
        var properties = site["properties"]!;
        Assert.True((bool)properties["httpsOnly"]!);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
        var config = properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        var deployment = config["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", (string?)deployment["type"]);
        Assert.Equal("SystemAssignedIdentity", (string?)deployment["authentication"]!["type"]);
        Assert.EndsWith("'app-package')]", (string?)deployment["value"], StringComparison.Ordinal);
        Assert.Equal(2048, (int)config["scaleAndConcurrency"]!["instanceMemoryMB"]!);
        Assert.Equal(40, (int)config["scaleAndConcurrency"]!["maximumInstanceCount"]!);
    }

    [Fact]
    public void AppSettings_ReachStorageWithTheIdentity_WithNoConnectionString()
    {
        var settings = Example.AppSettings;
        var account = (string)Example.One("Microsoft.Storage/storageAccounts")["name"]!;

        Assert.Equal(account, settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.EndsWith(".primaryEndpoints.blob]", settings["AzureWebJobsStorage__blobServiceUri"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.queue]", settings["AzureWebJobsStorage__queueServiceUri"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.table]", settings["AzureWebJobsStorage__tableServiceUri"], StringComparison.Ordinal);
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage as a connection string");
    }

    [Fact]
    public void AppSettings_LeaveOutWhatFlexConsumptionRefuses_AndNameEachSettingOnce()
    {
        var names = Example.AppSettingList.Select(s => s.Key).ToList();

        foreach (var refused in (string[])["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
                     "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "APPINSIGHTS_INSTRUMENTATIONKEY"])
        {
            Assert.DoesNotContain(refused, names, StringComparer.OrdinalIgnoreCase);
        }
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void AppSettings_WebhookSecretsAndKeyHashes_AreKeyVaultReferences_ToTheSecretsTheOutputNames()
    {
        var settings = Example.AppSettings;
        var vault = (string)Example.One("Microsoft.KeyVault/vaults")["name"]!;
        string Reference(string secret) => $"@Microsoft.KeyVault(VaultName={vault};SecretName={secret})";

        foreach (var marketplace in Marketplaces)
        {
            Assert.Equal(Reference($"webhook-secret-{marketplace}"), settings[$"Webhooks__Secrets__{marketplace}"]);
        }
        Assert.Equal(Reference("admin-api-key-sha256"), settings["Admin__ApiKeySha256"]);
        Assert.Equal(Reference("operator-li-wei-api-key-sha256"), settings["Operators__Accounts__0__ApiKeySha256"]);
        Assert.Equal(Reference("seller-shop-1001-ops-1-api-key-sha256"), settings["Sellers__Accounts__0__ApiKeySha256"]);

        // Every secret-bearing setting is a reference, and the output lists exactly those, with valid secret names.
        var secretBearing = settings.Where(s => s.Key.StartsWith("Webhooks__Secrets__", StringComparison.OrdinalIgnoreCase)
                || s.Key.EndsWith("ApiKeySha256", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.OrdinalIgnoreCase);
        var listed = Example.Outputs["keyVaultSecretNames"]!.AsArray()
            .ToDictionary(e => (string)e!["appSetting"]!, e => (string)e!["secret"]!, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(secretBearing.Keys.Order(), listed.Keys.Order());
        foreach (var (setting, secret) in listed)
        {
            Assert.Matches(SecretName(), secret);
            Assert.Equal(Reference(secret), secretBearing[setting]);
        }
    }

    [Fact]
    public void AppSettings_Accounts_CarryNamesAndPermissionsAsPlainValues()
    {
        var settings = Example.AppSettings;

        Assert.Equal("li.wei", settings["Operators__Accounts__0__Name"]);
        Assert.Equal("tickets.read,operator", settings["Operators__Accounts__0__Permissions"]);
        Assert.Equal("shop-1001", settings["Sellers__Accounts__0__ShopId"]);
        Assert.Equal("ops-1", settings["Sellers__Accounts__0__AccountId"]);
        Assert.Equal("tickets.read,tickets.reply", settings["Sellers__Accounts__0__Permissions"]);
    }

    [Fact]
    public void AppSettings_TurnOffTimeTravelAndAnonymousMetrics()
    {
        Assert.Equal("false", Example.AppSettings["Clock__AllowTravel"]);
        Assert.Equal("false", Example.AppSettings["Operations__AnonymousMetrics"]);
    }

    [Fact]
    public void Telemetry_GoesToWorkspaceBasedApplicationInsights_WithEntraIdOnly()
    {
        var workspace = Example.One("Microsoft.OperationalInsights/workspaces");
        var component = Example.One("Microsoft.Insights/components");
        Assert.Equal((string?)workspace["id"], (string?)component["properties"]!["WorkspaceResourceId"]);
        Assert.True((bool)component["properties"]!["DisableLocalAuth"]!);

        Assert.EndsWith(".ConnectionString]", Example.AppSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        Assert.Equal("Authorization=AAD", Example.AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void StorageAccount_RefusesSharedKeysAndPublicBlobs_OverTls12AndHttpsOnly()
    {
        var properties = Example.One("Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);

        var container = Example.One("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.EndsWith("/app-package", (string?)container["name"], StringComparison.Ordinal);
        Assert.Equal("None", (string?)container["properties"]!["publicAccess"]);
    }

    [Fact]
    public void KeyVault_UsesAzureRbac_WithSoftDeleteAndPurgeProtection()
    {
        var properties = Example.One("Microsoft.KeyVault/vaults")["properties"]!.AsObject();
        Assert.True((bool)properties["enableRbacAuthorization"]!);
        Assert.True((bool)properties["enableSoftDelete"]!);
        Assert.True((bool)properties["enablePurgeProtection"]!);
        Assert.Equal(TemplateSnapshots.TenantId, (string?)properties["tenantId"]);
        Assert.False(properties.ContainsKey("accessPolicies"));
        Assert.DoesNotContain(properties, p => p.Key.Contains("secret", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(Example.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public void AppIdentity_GetsExactlyTheDataRolesItNeeds_OnEachResource()
    {
        var site = Example.One("Microsoft.Web/sites");
        var principal = $"[reference('{(string)site["id"]!}', '2025-03-01', 'full').identity.principalId]";
        var expected = new[]
        {
            ("Microsoft.Storage/storageAccounts", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"), // Storage Blob Data Owner
            ("Microsoft.Storage/storageAccounts", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"), // Storage Queue Data Contributor
            ("Microsoft.Storage/storageAccounts", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"), // Storage Table Data Contributor
            ("Microsoft.KeyVault/vaults", "4633458b-17de-408a-b874-0445c86b69e6"), // Key Vault Secrets User
            ("Microsoft.Insights/components", "3913510d-42f4-4e42-8a64-420c390055eb"), // Monitoring Metrics Publisher
        }.Select(e => $"{(string)Example.One(e.Item1)["id"]!} {RoleDefinition(e.Item2)}").Order();

        var granted = Example.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => (string?)a["properties"]!["principalId"] == principal)
            .Select(a =>
            {
                Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]);
                return $"{Scope(a)} {(string)a["properties"]!["roleDefinitionId"]!}";
            })
            .Order();

        Assert.Equal(expected, granted);
    }

    [Fact]
    public void SecretsOfficers_AreGrantedOnTheVaultOnly()
    {
        var vault = (string)Example.One("Microsoft.KeyVault/vaults")["id"]!;
        var officer = Assert.Single(Example.OfType("Microsoft.Authorization/roleAssignments"),
            a => (string?)a["properties"]!["principalId"] == "00000000-0000-0000-0000-000000000000");

        Assert.StartsWith(vault + "/providers/Microsoft.Authorization/roleAssignments/", (string?)officer["id"], StringComparison.Ordinal);
        Assert.Equal(RoleDefinition("b86a8fe4-44ce-4948-aee5-eccb2c155cd7"), (string?)officer["properties"]!["roleDefinitionId"]);
    }

    [Fact]
    public void Outputs_NameTheAppTheVaultAndTheStorage()
    {
        foreach (var output in (string[])["functionAppName", "defaultHostName", "principalId", "keyVaultName", "keyVaultUri", "storageAccountName", "keyVaultSecretNames"])
        {
            Assert.True(Example.Outputs.ContainsKey(output), output);
        }
        Assert.Equal((string?)Example.One("Microsoft.Web/sites")["name"], (string?)Example.Outputs["functionAppName"]);
        Assert.Equal((string?)Example.One("Microsoft.KeyVault/vaults")["name"], (string?)Example.Outputs["keyVaultName"]);
        Assert.Equal((string?)Example.One("Microsoft.Storage/storageAccounts")["name"], (string?)Example.Outputs["storageAccountName"]);
    }

    /// <summary>host.json setting (under extensions.durableTask) and the app setting that overrides it.</summary>
    public static TheoryData<string, string> DurableSettings => new()
    {
        { "hubName", "hubName" },
        { "storageProvider.partitionCount", "storageProvider__partitionCount" },
        { "storageProvider.maxQueuePollingInterval", "storageProvider__maxQueuePollingInterval" },
        { "extendedSessionsEnabled", "extendedSessionsEnabled" },
        { "maxConcurrentActivityFunctions", "maxConcurrentActivityFunctions" },
        { "maxConcurrentOrchestratorFunctions", "maxConcurrentOrchestratorFunctions" },
    };

    [Theory]
    [MemberData(nameof(DurableSettings))]
    public void WithTheTemplateDefaults_EachDurableSetting_EqualsTheRepositoryHostJson(string hostJsonPath, string appSetting)
    {
        JsonNode? node = JsonNode.Parse(File.ReadAllText(InfraLayout.HostJson))!["extensions"]!["durableTask"];
        foreach (var part in hostJsonPath.Split('.'))
        {
            node = node![part];
        }
        Assert.NotNull(node);
        var shipped = node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node.ToJsonString();

        Assert.Equal(shipped, snapshots.Defaults.AppSettings[DurableTask + appSetting]);
        Assert.Equal(shipped, Example.AppSettings[DurableTask + appSetting]);
    }

    [Fact]
    public void WithTheTemplateDefaults_EveryMarketplaceIsServed_AndNoAccountIsMadeUp()
    {
        var settings = snapshots.Defaults.AppSettings;

        foreach (var marketplace in Marketplaces)
        {
            Assert.StartsWith("@Microsoft.KeyVault(", settings[$"Webhooks__Secrets__{marketplace}"], StringComparison.Ordinal);
        }
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Operators__", StringComparison.Ordinal) || k.StartsWith("Sellers__", StringComparison.Ordinal));
    }

    private static string RoleDefinition(string id) =>
        $"/subscriptions/{TemplateSnapshots.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{id}";

    /// <summary>The resource an extension resource (a role assignment) is on, from its predicted id expression.</summary>
    private static string Scope(JsonObject assignment)
    {
        var id = (string)assignment["id"]!;
        var match = ExtensionScope().Match(id);
        return match.Success ? match.Groups["scope"].Value : id[..id.IndexOf("/providers/Microsoft.Authorization/", StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)'")]
    private static partial Regex ExtensionScope();

    /// <summary>Key Vault secret names: letters, digits and hyphens, at most 127.</summary>
    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretName();
}
