using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using PatientExperience.Storage.Mongo;
using PatientExperience.Storage.Sqlite;
using static PatientExperience.Storage.Tests.TestDocuments;

namespace PatientExperience.Storage.Tests;

/// <summary>What <see cref="StorageExtensions.AddDocumentStore"/> gives a service host.</summary>
public sealed class StorageExtensionsTests : IDisposable
{
    private static readonly CollectionDefinition Definition = GrievancesDefinition("grievances");
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("pxp-storage-host-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IHost BuildHost(Dictionary<string, string?> configuration) => BuildHost(configuration, explicitProvider: true);

    private IHost BuildHost(Dictionary<string, string?> configuration, bool explicitProvider, string? environment = null)
    {
        // No defaults: environment variables such as ConnectionStrings__mongo must not leak into the test.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _contentRoot, EnvironmentName = environment });
        // The Production environment: the embedded store is chosen explicitly unless a test says otherwise.
        if (explicitProvider) builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddDocumentStore("svc", Definition);
        return builder.Build();
    }

    [Fact]
    public async Task Without_a_mongo_connection_string_the_service_gets_a_sqlite_file_in_the_data_directory()
    {
        using var host = BuildHost(new() { ["Storage:DataDirectory"] = "state" });

        await host.StartAsync(Ct);
        var store = host.Services.GetRequiredKeyedService<IDocumentStore>("svc");
        await store.Collection<Grievance>(Definition).InsertAsync("g-1", Grievance("G-1"), [], Ct);
        await host.StopAsync(Ct);

        Assert.IsType<SqliteDocumentStore>(store);
        Assert.Equal("svc", store.Name);
        Assert.True(File.Exists(Path.Combine(_contentRoot, "state", "svc.db")));
    }

    [Fact]
    public async Task An_absolute_data_directory_is_used_as_is()
    {
        var elsewhere = Path.Combine(_contentRoot, "absolute", "dir");
        using var host = BuildHost(new() { ["Storage:DataDirectory"] = elsewhere });

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        Assert.True(File.Exists(Path.Combine(elsewhere, "svc.db")));
    }

    [Fact]
    public async Task In_memory_storage_creates_no_file()
    {
        using var host = BuildHost(new() { ["Storage:DataDirectory"] = "state", ["Storage:InMemory"] = "true" });

        await host.StartAsync(Ct);
        var store = host.Services.GetRequiredKeyedService<IDocumentStore>("svc");
        await store.Collection<Grievance>(Definition).InsertAsync("g-1", Grievance("G-1"), [], Ct);
        var count = await store.Collection<Grievance>(Definition).CountAsync(Ct);
        await host.StopAsync(Ct);

        Assert.IsType<SqliteDocumentStore>(store);
        Assert.Equal(1, count);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_contentRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_readiness_check_reports_a_reachable_store_as_healthy()
    {
        using var host = BuildHost(new() { ["Storage:InMemory"] = "true" });
        await host.StartAsync(Ct);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);
        await host.StopAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, report.Entries["store-svc"].Status);
    }

    [Fact]
    public async Task Outside_development_a_service_without_mongo_refuses_to_start_unless_sqlite_is_chosen_explicitly()
    {
        using var implicitEmbedded = BuildHost(new() { ["Storage:DataDirectory"] = "state" }, explicitProvider: false);
        using var development = BuildHost(new() { ["Storage:DataDirectory"] = "state" }, explicitProvider: false, environment: "Development");
        using var mongoWithoutServer = BuildHost(new() { ["Storage:Provider"] = "Mongo" }, explicitProvider: false);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => implicitEmbedded.StartAsync(Ct));
        var noMongo = await Assert.ThrowsAsync<OptionsValidationException>(() => mongoWithoutServer.StartAsync(Ct));
        await development.StartAsync(Ct);

        Assert.Contains(refused.Failures, f => f.Contains("ConnectionStrings:mongo", StringComparison.Ordinal) && f.Contains("Storage:Provider=Sqlite", StringComparison.Ordinal));
        Assert.Contains(noMongo.Failures, f => f.Contains("needs ConnectionStrings:mongo", StringComparison.Ordinal));
        Assert.IsType<PatientExperience.Storage.Sqlite.SqliteDocumentStore>(development.Services.GetRequiredKeyedService<IDocumentStore>("svc"), exactMatch: false);
        await development.StopAsync(Ct);
    }

    [Fact]
    public async Task An_invalid_storage_option_fails_the_start()
    {
        using var host = BuildHost(new() { ["Storage:InMemory"] = "true", ["Storage:MongoDatabasePrefix"] = "has space" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(error.Failures, f => f.Contains(nameof(StorageOptions.MongoDatabasePrefix), StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_mongo_connection_string_the_service_gets_its_own_prefixed_mongo_database()
    {
        // Resolved without starting the host: creating the client does not contact the (absent) server.
        using var host = BuildHost(new()
        {
            ["ConnectionStrings:mongo"] = "mongodb://127.0.0.1:1",
            ["Storage:Provider"] = "Mongo",
            ["Storage:MongoDatabasePrefix"] = "pxp-test",
            ["Storage:MongoServerSelectionTimeoutSeconds"] = "3",
        });

        var store = Assert.IsType<MongoDocumentStore>(host.Services.GetRequiredKeyedService<IDocumentStore>("svc"));

        Assert.Equal("pxp-test-svc", store.Database.DatabaseNamespace.DatabaseName);
        Assert.Equal(TimeSpan.FromSeconds(3), host.Services.GetRequiredService<IMongoClient>().Settings.ServerSelectionTimeout);
    }

    public void Dispose()
    {
        // Pooled connections keep SQLite files open after the host disposed its store.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
