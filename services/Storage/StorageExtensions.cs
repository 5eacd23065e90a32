using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using PatientExperience.Storage.Mongo;
using PatientExperience.Storage.Sqlite;

namespace PatientExperience.Storage;

public static partial class StorageExtensions
{
    public const string MongoConnectionName = "mongo";

    /// <summary>
    /// Registers the document store of one service as a keyed <see cref="IDocumentStore"/> (key: the service name), creates its
    /// collections before the host starts, and adds a readiness check. Several services can share one process (standalone mode).
    /// </summary>
    public static IHostApplicationBuilder AddDocumentStore(this IHostApplicationBuilder builder, string serviceName, params CollectionDefinition[] collections)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var mongo = builder.Configuration.GetConnectionString(MongoConnectionName);
        var provider = builder.Configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}"];
        var inMemory = string.Equals(builder.Configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.InMemory)}"], "true", StringComparison.OrdinalIgnoreCase);
        var providerError = ProviderChoiceError(provider, mongo, inMemory, builder.Environment);
        builder.Services.AddOptions<StorageOptions>().Validate(_ => providerError is null, providerError ?? "");
        if (string.Equals(provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase)) mongo = null;
        if (!string.IsNullOrWhiteSpace(mongo) && !builder.Services.Any(d => d.ServiceType == typeof(IMongoClient)))
        {
            builder.Services.AddSingleton<IMongoClient>(sp =>
            {
                var settings = MongoClientSettings.FromConnectionString(mongo);
                settings.ServerSelectionTimeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<StorageOptions>>().Value.MongoServerSelectionTimeoutSeconds);
                return new MongoClient(settings);
            });
        }

        builder.Services.AddKeyedSingleton<IDocumentStore>(serviceName, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            IDocumentStore store = string.IsNullOrWhiteSpace(mongo)
                ? new SqliteDocumentStore(serviceName, options.InMemory ? null : DataFile(sp, options, serviceName), options.SqliteWalCheckpointPages)
                : new MongoDocumentStore(serviceName, sp.GetRequiredService<IMongoClient>().GetDatabase($"{options.MongoDatabasePrefix}-{serviceName}"));
            foreach (var c in collections) store.Collection<object>(c);
            return store;
        });

        builder.Services.AddSingleton<IHostedService>(sp => new StoreInitializer(sp.GetRequiredKeyedService<IDocumentStore>(serviceName), sp.GetRequiredService<ILogger<StoreInitializer>>()));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"store-{serviceName}",
            sp => new StoreHealthCheck(sp.GetRequiredKeyedService<IDocumentStore>(serviceName)),
            HealthStatus.Unhealthy,
            ["ready"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>The SQLite file of a service under <see cref="StorageOptions.DataDirectory"/>.</summary>
    private static string? ProviderChoiceError(string? provider, string? mongo, bool inMemory, IHostEnvironment environment)
    {
        var hasMongo = !string.IsNullOrWhiteSpace(mongo);
        if (string.IsNullOrWhiteSpace(provider))
        {
            return hasMongo || inMemory || environment.IsDevelopment() || environment.IsEnvironment("Testing") ? null :
                $"ConnectionStrings:mongo is not set in the {environment.EnvironmentName} environment: set it, or choose the embedded " +
                "SQLite store explicitly with Storage:Provider=Sqlite (one file per service in Storage:DataDirectory).";
        }

        if (string.Equals(provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase)) return null;
        if (string.Equals(provider, StorageOptions.MongoProvider, StringComparison.OrdinalIgnoreCase))
            return hasMongo ? null : "Storage:Provider=Mongo needs ConnectionStrings:mongo.";
        return "Storage:Provider must be Sqlite or Mongo.";
    }

    public static string DataFile(IServiceProvider sp, StorageOptions options, string serviceName)
    {
        var root = Path.IsPathRooted(options.DataDirectory)
            ? options.DataDirectory
            : Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, options.DataDirectory);
        return Path.GetFullPath(Path.Combine(root, $"{serviceName}.db"));
    }

    private sealed partial class StoreInitializer(IDocumentStore store, ILogger<StoreInitializer> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await store.InitializeAsync(cancellationToken);
            LogReady(logger, store.Name, store.GetType().Name);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Store of {Service} ready ({Adapter})")]
        private static partial void LogReady(ILogger logger, string service, string adapter);
    }

    private sealed class StoreHealthCheck(IDocumentStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.PingAsync(cancellationToken);
                return HealthCheckResult.Healthy($"{store.Name} store reachable");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{store.Name} store unreachable ({e.GetType().Name})");
            }
        }
    }
}
