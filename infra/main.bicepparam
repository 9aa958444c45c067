// Example parameters for one production environment. Every value here is a placeholder: replace the names (the
// storage account, Key Vault and Function App names are global), the object ids and the accounts with your own.
// No secret belongs here: the webhook secrets and API key hashes are Key Vault secrets (README, "Deploy to Azure").
using './main.bicep'

param location = 'eastasia'
param baseName = 'urgeship'
param tags = {
  app: 'urgeshipment'
  env: 'prod'
}

param functionAppName = 'func-urgeship-prod-ea'
param planName = 'plan-urgeship-prod-ea'
param storageAccountName = 'sturgeshipprodea'
param keyVaultName = 'kv-urgeship-prod-ea'
param logAnalyticsName = 'log-urgeship-prod-ea'
param appInsightsName = 'appi-urgeship-prod-ea'

param storageSkuName = 'Standard_ZRS'
param instanceMemoryMB = 2048
param maximumInstanceCount = 40
param alwaysReadyDurableInstances = 1

param keyVaultEnablePurgeProtection = true
// The object id of whoever sets the secrets: az ad signed-in-user show --query id -o tsv
param keyVaultSecretsOfficerPrincipalIds = [
  '00000000-0000-0000-0000-000000000000'
]

param marketplaces = [
  'taobao'
  'tmall'
  'xiaohongshu'
  'pinduoduo'
]

param operators = [
  {
    name: 'li.wei'
    permissions: [
      'tickets.read'
      'operator'
    ]
  }
]

param sellers = [
  {
    shopId: 'shop-1001'
    accountId: 'ops-1'
    permissions: [
      'tickets.read'
      'tickets.reply'
    ]
  }
]

param taskHubName = 'urgeship'
param durablePartitionCount = 1
param durableMaxQueuePollingInterval = '00:00:01'
param durableExtendedSessionsEnabled = false
param durableMaxConcurrentActivityFunctions = 32
param durableMaxConcurrentOrchestratorFunctions = 32
