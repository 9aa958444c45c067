// UrgeShipment on Azure: the Functions app (src/Functions) on a Flex Consumption plan, its storage (the task hub and
// the app's tables), a Key Vault for the webhook secrets and API key hashes, and Application Insights.
// No account keys anywhere: the app's system-assigned identity reaches storage, Key Vault and Application Insights
// through Azure RBAC. The secrets are set out of band (README, "Deploy to Azure"); this template only refers to them.

metadata description = 'UrgeShipment: Durable Functions app on Flex Consumption with identity-based storage, Key Vault references and Application Insights.'

// ---------------------------------------------------------------------------------------------------------------------
// Names and place

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short name the default resource names derive from (lowercase letters, digits, hyphens).')
@minLength(2)
@maxLength(10)
param baseName string = 'urgeship'

@description('Tags for every resource.')
param tags {
  *: string
} = {
  app: 'urgeshipment'
}

@description('Name of the Function App (globally unique: it is the host name <name>.azurewebsites.net).')
param functionAppName string = 'func-${baseName}-${uniqueString(resourceGroup().id)}'

@description('Name of the Flex Consumption plan.')
param planName string = 'plan-${baseName}'

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param storageAccountName string = take(
  'st${toLower(replace(baseName, '-', ''))}${uniqueString(resourceGroup().id)}',
  24
)

@description('Name of the Key Vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string = take('kv-${baseName}-${uniqueString(resourceGroup().id)}', 24)

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string = 'log-${baseName}'

@description('Name of the Application Insights component.')
param appInsightsName string = 'appi-${baseName}'

// ---------------------------------------------------------------------------------------------------------------------
// Capacity

@description('Replication of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Instances kept warm for the Durable Functions group. With 0 the app scales to zero and a deadline that lapses while nothing runs waits for a cold start; 1 keeps the lapse within the polling interval (billed while idle).')
@minValue(0)
@maxValue(10)
param alwaysReadyDurableInstances int = 1

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// ---------------------------------------------------------------------------------------------------------------------
// Key Vault

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

@description('Purge protection on the Key Vault. Once on, it cannot be turned off (turn it off only for throwaway environments).')
param keyVaultEnablePurgeProtection bool = true

@description('Object ids of the people or groups who set the secrets (granted Key Vault Secrets Officer). Azure RBAC vaults give nobody, the vault\'s creator included, access to secrets without a role.')
param keyVaultSecretsOfficerPrincipalIds string[] = []

// ---------------------------------------------------------------------------------------------------------------------
// The app's configuration (README, "Configuration"). Names and permissions are plain settings; every webhook secret
// and API key hash is a Key Vault reference to a secret named as in keyVaultSecretNames (output).

@description('Marketplaces whose webhooks the app serves: each gets Webhooks__Secrets__<marketplace>, a Key Vault reference to the secret webhook-secret-<marketplace>.')
param marketplaces string[] = [
  'taobao'
  'tmall'
  'xiaohongshu'
  'pinduoduo'
]

@description('An operator: a named person with permissions, whose API key hash is the secret operator-<name>-api-key-sha256.')
type operatorAccount = {
  @description('The operator\'s name (letters, digits, hyphens, dots, underscores; dots and underscores become hyphens in the secret name).')
  name: string

  @description('Permissions, joined with commas into Operators__Accounts__<n>__Permissions.')
  permissions: string[]
}

@description('A seller account: one shop\'s API key holder, whose API key hash is the secret seller-<shopId>-<accountId>-api-key-sha256.')
type sellerAccount = {
  @description('The shop the account belongs to.')
  shopId: string

  @description('The account id (unique within the shop).')
  accountId: string

  @description('Permissions: tickets.read, tickets.reply.')
  permissions: string[]
}

@description('Operator accounts (Operators__Accounts__<n>__Name, __Permissions, __ApiKeySha256).')
param operators operatorAccount[] = []

@description('Seller accounts (Sellers__Accounts__<n>__ShopId, __AccountId, __Permissions, __ApiKeySha256).')
param sellers sellerAccount[] = []

@description('Compensation:GatewayUrl, the endpoint that pays compensation; empty: the ledger records it only.')
param compensationGatewayUrl string = ''

@description('Notifications:ChannelUrl, the chat-card / notice gateway; empty: the outbox is the channel.')
param notificationsChannelUrl string = ''

@description('More app settings, name to value (e.g. Http__CommandWait). Must not repeat a setting this template sets.')
param additionalAppSettings {
  *: string
} = {}

// ---------------------------------------------------------------------------------------------------------------------
// Durable Functions (host.json's extensions.durableTask; these app settings override it, and the defaults are the
// repository's host.json). Changing the partition count needs a new task hub name: Durable Functions hashes each
// instance to a partition of the hub it was created in.

@description('Task hub name (letters and digits, starting with a letter): prefix of Durable Functions\' queues, tables and containers, and of the app\'s own tables.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'urgeship'

@description('Control queues of the task hub (1-16). Changing it needs a new taskHubName.')
@minValue(1)
@maxValue(16)
param durablePartitionCount int = 1

@description('Longest wait between polls of an empty queue (hh:mm:ss). The 2-second lapse bound needs 00:00:01 or less.')
param durableMaxQueuePollingInterval string = '00:00:01'

@description('Keep orchestration sessions in memory between turns.')
param durableExtendedSessionsEnabled bool = false

@description('Activity functions one instance runs at once.')
@minValue(1)
param durableMaxConcurrentActivityFunctions int = 32

@description('Orchestrator functions one instance runs at once.')
@minValue(1)
param durableMaxConcurrentOrchestratorFunctions int = 32

// ---------------------------------------------------------------------------------------------------------------------
// App settings

@description('A Key Vault secret name from an account name: lowercase, dots and underscores as hyphens.')
func secretNamePart(value string) string => replace(replace(toLower(value), '.', '-'), '_', '-')

@description('An app setting value that App Service resolves from Key Vault with the app\'s identity.')
func vaultReference(vault string, secret string) string =>
  '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})'

// Each app setting that comes from Key Vault, and the secret it comes from.
var webhookSecrets = [
  for marketplace in marketplaces: {
    setting: 'Webhooks__Secrets__${marketplace}'
    secret: 'webhook-secret-${secretNamePart(marketplace)}'
  }
]
var operatorKeyHashes = [
  for (operator, i) in operators: {
    setting: 'Operators__Accounts__${i}__ApiKeySha256'
    secret: 'operator-${secretNamePart(operator.name)}-api-key-sha256'
  }
]
var sellerKeyHashes = [
  for (seller, i) in sellers: {
    setting: 'Sellers__Accounts__${i}__ApiKeySha256'
    secret: 'seller-${secretNamePart(seller.shopId)}-${secretNamePart(seller.accountId)}-api-key-sha256'
  }
]
var vaultBacked = [
  ...webhookSecrets
  {
    setting: 'Admin__ApiKeySha256'
    secret: 'admin-api-key-sha256'
  }
  ...operatorKeyHashes
  ...sellerKeyHashes
]

var operatorSettingsEach = [
  for (operator, i) in operators: [
    {
      name: 'Operators__Accounts__${i}__Name'
      value: operator.name
    }
    {
      name: 'Operators__Accounts__${i}__Permissions'
      value: join(operator.permissions, ',')
    }
  ]
]

var sellerSettingsEach = [
  for (seller, i) in sellers: [
    {
      name: 'Sellers__Accounts__${i}__ShopId'
      value: seller.shopId
    }
    {
      name: 'Sellers__Accounts__${i}__AccountId'
      value: seller.accountId
    }
    {
      name: 'Sellers__Accounts__${i}__Permissions'
      value: join(seller.permissions, ',')
    }
  ]
]

var durableTask = 'AzureFunctionsJobHost__extensions__durableTask__'
var durableSettings = [
  {
    name: '${durableTask}hubName'
    value: taskHubName
  }
  {
    name: '${durableTask}storageProvider__partitionCount'
    value: string(durablePartitionCount)
  }
  {
    name: '${durableTask}storageProvider__maxQueuePollingInterval'
    value: durableMaxQueuePollingInterval
  }
  {
    name: '${durableTask}extendedSessionsEnabled'
    value: durableExtendedSessionsEnabled ? 'true' : 'false'
  }
  {
    name: '${durableTask}maxConcurrentActivityFunctions'
    value: string(durableMaxConcurrentActivityFunctions)
  }
  {
    name: '${durableTask}maxConcurrentOrchestratorFunctions'
    value: string(durableMaxConcurrentOrchestratorFunctions)
  }
]

// The Functions host, Durable Functions (host.json: storageProvider.connectionName AzureWebJobsStorage) and the
// app's tables reach storage with the app's identity: no connection string, no key.
var storageSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.outputs.storageAccountName
  }
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storage.outputs.blobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: storage.outputs.queueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: storage.outputs.tableEndpoint
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
]

var telemetrySettings = [
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: monitoring.outputs.appInsightsConnectionString
  }
  {
    // Entra ID ingestion with the system-assigned identity (Monitoring Metrics Publisher): no instrumentation key.
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD'
  }
]

var appBehaviourSettings = [
  {
    name: 'Clock__AllowTravel'
    value: 'false'
  }
  {
    name: 'Operations__AnonymousMetrics'
    value: 'false'
  }
]

var gatewaySettings = [
  ...(empty(compensationGatewayUrl)
    ? []
    : [
        {
          name: 'Compensation__GatewayUrl'
          value: compensationGatewayUrl
        }
      ])
  ...(empty(notificationsChannelUrl)
    ? []
    : [
        {
          name: 'Notifications__ChannelUrl'
          value: notificationsChannelUrl
        }
      ])
]

var vaultSettings = [
  for entry in vaultBacked: {
    name: entry.setting
    value: vaultReference(keyVaultName, entry.secret)
  }
]

var appSettings = [
  ...storageSettings
  ...telemetrySettings
  ...durableSettings
  ...appBehaviourSettings
  ...gatewaySettings
  ...vaultSettings
  ...flatten(operatorSettingsEach)
  ...flatten(sellerSettingsEach)
  ...map(items(additionalAppSettings), setting => {
    name: setting.key
    value: setting.value
  })
]

// ---------------------------------------------------------------------------------------------------------------------
// Resources

var deploymentContainerName = 'app-package'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: logAnalyticsName
    appInsightsName: appInsightsName
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: storageAccountName
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    tags: tags
    keyVaultName: keyVaultName
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    enablePurgeProtection: keyVaultEnablePurgeProtection
    secretsOfficerPrincipalIds: keyVaultSecretsOfficerPrincipalIds
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    location: location
    tags: tags
    planName: planName
    functionAppName: functionAppName
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyDurableInstances: alwaysReadyDurableInstances
    appSettings: appSettings
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    // Known only once the app exists; what-if cannot predict these assignments' names, and it need not: the names
    // derive from the principal so that an app created anew gets new assignments instead of a refused update.
    #disable-next-line what-if-short-circuiting
    principalId: functionApp.outputs.principalId
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    appInsightsName: appInsightsName
  }
  // Storage and monitoring come first already (the app refers to them); the vault does not otherwise.
  dependsOn: [
    keyVault
  ]
}

// ---------------------------------------------------------------------------------------------------------------------
// Outputs

@description('Name of the Function App (func azure functionapp publish <name>).')
output functionAppName string = functionApp.outputs.functionAppName

@description('Default host name of the Function App.')
output defaultHostName string = functionApp.outputs.defaultHostName

@description('Object id of the Function App\'s system-assigned identity.')
output principalId string = functionApp.outputs.principalId

@description('Name of the Key Vault.')
output keyVaultName string = keyVault.outputs.keyVaultName

@description('URI of the Key Vault.')
output keyVaultUri string = keyVault.outputs.keyVaultUri

@description('Name of the storage account.')
output storageAccountName string = storage.outputs.storageAccountName

@description('The Key Vault secrets the app settings refer to (names only; set them with az keyvault secret set).')
output keyVaultSecretNames {
  secret: string
  appSetting: string
}[] = [
  for entry in vaultBacked: {
    secret: entry.secret
    appSetting: entry.setting
  }
]
