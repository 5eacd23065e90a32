using DotNet.Testcontainers.Builders;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace PatientExperience.Storage.Tests;

/// <summary>
/// A MongoDB database for one test class: from a Testcontainers container (a single-node replica set, which transactions
/// need) when a Docker engine answers, else from <c>MONGODB_URI</c> (a replica set), else none (and <see cref="SkipReason"/>
/// says why). The database is dropped at the end.
/// </summary>
public sealed class MongoFixture : IAsyncLifetime
{
    public const string UriVariable = "MONGODB_URI";
    private const string Image = "mongo:8.0";

    private MongoDbContainer? _container;
    private MongoClient? _client;

    public IMongoDatabase? Database { get; private set; }

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var uri = await StartContainerAsync() ?? Environment.GetEnvironmentVariable(UriVariable);
        if (string.IsNullOrWhiteSpace(uri))
        {
            SkipReason = $"MongoDB unavailable: no Docker engine and {UriVariable} not set";
            return;
        }

        var settings = MongoClientSettings.FromConnectionString(uri);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        _client = new MongoClient(settings);
        Database = _client.GetDatabase($"pxp-storage-tests-{Guid.NewGuid():N}");
    }

    /// <summary>The connection string of a new container, or null when no Docker engine answers.</summary>
    private async Task<string?> StartContainerAsync()
    {
        try
        {
            _container = new MongoDbBuilder(Image).WithReplicaSet().Build();
        }
        catch (DockerUnavailableException)
        {
            return null;
        }

        // Bounded: pulling the image and starting mongod should not hold the run hostage.
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _container.StartAsync(startup.Token);
        return _container.GetConnectionString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null && Database is not null)
        {
            await _client.DropDatabaseAsync(Database.DatabaseNamespace.DatabaseName);
        }

        _client?.Dispose();
        if (_container is not null) await _container.DisposeAsync();
    }
}
