// The Function App on a Flex Consumption plan: Linux, .NET 10 isolated worker, a system-assigned identity that
// reads the deployment package from blob storage, and the app settings main.bicep composes.
// Flex Consumption takes the runtime from functionAppConfig, not from FUNCTIONS_WORKER_RUNTIME or
// FUNCTIONS_EXTENSION_VERSION, which it does not accept as app settings.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags {
  *: string
}

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App (globally unique: it is the host name).')
param functionAppName string

@description('URL of the blob container Flex Consumption deploys the app package from.')
param deploymentContainerUrl string

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Instances kept warm for the Durable Functions group (orchestrations, activities); 0 lets it scale to zero.')
@minValue(0)
param alwaysReadyDurableInstances int

@description('App settings: name and value each.')
param appSettings {
  name: string
  value: string
}[]

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: 'SystemAssigned'
    functionAppConfig: {
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReadyDurableInstances > 0
          ? [
              {
                name: 'durable'
                instanceCount: alwaysReadyDurableInstances
              }
            ]
          : []
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: appSettings
    }
  }
}

@description('Name of the Function App.')
output functionAppName string = app.name

@description('Default host name, e.g. <app>.azurewebsites.net.')
output defaultHostName string = app.properties.defaultHostName

@description('Object id of the app\'s system-assigned identity.')
output principalId string = app.identity.principalId
