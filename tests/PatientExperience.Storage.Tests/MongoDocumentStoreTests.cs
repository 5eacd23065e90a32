using PatientExperience.Storage.Mongo;

namespace PatientExperience.Storage.Tests;

/// <summary>
/// The conformance suite on MongoDB. Tests share the class's database; each uses a collection of its own, and the
/// store's outbox only claims from the collections registered with it, so they stay independent.
/// </summary>
public sealed class MongoDocumentStoreTests(MongoFixture mongo) : DocumentStoreConformanceTests, IClassFixture<MongoFixture>
{
    protected override ValueTask<IDocumentStore> CreateStoreAsync()
    {
        if (mongo.Database is null) Assert.Skip(mongo.SkipReason ?? "MongoDB unavailable");
        return ValueTask.FromResult<IDocumentStore>(new MongoDocumentStore("grievance", mongo.Database));
    }
}
