// The Key Vault that holds the webhook secrets and the API key hashes the app settings refer to. Access is by Azure
// RBAC only (no access policies). The secrets themselves are set out of band (README, "Deploy to Azure").

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags {
  *: string
}

@description('Name of the Key Vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Purge protection: a deleted vault or secret cannot be purged before its retention ends. Once on, it cannot be turned off.')
param enablePurgeProtection bool

@description('Object ids of the people or groups allowed to set secrets (Key Vault Secrets Officer).')
param secretsOfficerPrincipalIds string[]

// Built-in role: Key Vault Secrets Officer.
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The service refuses false here once purge protection is on; leaving it out keeps it off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource secretsOfficers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in secretsOfficerPrincipalIds: {
    name: guid(vault.id, principalId, secretsOfficerRoleId)
    scope: vault
    properties: {
      principalId: principalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
    }
  }
]

@description('Name of the Key Vault.')
output keyVaultName string = vault.name

@description('URI of the Key Vault, e.g. https://<name>.vault.azure.net/.')
output keyVaultUri string = vault.properties.vaultUri
