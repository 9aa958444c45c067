using Microsoft.Azure.Functions.Worker.Builder;
using UrgeShipment.Functions.Hosting;
using UrgeShipment.Functions.Http;

// Under the Azure Functions host (`func start`, or a Function App): an isolated worker with ASP.NET Core integration.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<UnhandledErrors>();
builder.UseMiddleware<RateLimitedCalls>();
builder.UseMiddleware<UrgeShipment.Functions.Security.AuthorizedCalls>();
builder.Services.AddUrgeShipment(builder.Configuration, builder.Environment, HostJson.Load(builder.Configuration, builder.Environment.ContentRootPath));
await builder.Build().RunAsync();
