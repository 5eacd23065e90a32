using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Sagas;

/// <summary>Puts a saga's instances in its service's document store (the storage port), with optimistic concurrency.</summary>
public static class DocumentSagaRepositoryRegistrationExtensions
{
    /// <summary>
    /// Stores the saga's instances in the document store of <paramref name="serviceName"/> (registered with
    /// <c>AddDocumentStore(serviceName)</c>), in the collection <paramref name="collection"/>:
    /// <code>
    /// services.AddMessagingModule(x =&gt; x.AddSagaStateMachine&lt;EscalationStateMachine, EscalationState, EscalationStateDefinition&gt;()
    ///     .DocumentRepository("case", new CollectionDefinition("escalations") { UniqueFields = ["caseId"] }));
    /// </code>
    /// The collection is registered with the store by this call and created before the bus starts (and, at the latest, before
    /// the first message touches it), so it is not passed to <c>AddDocumentStore</c>. Its fields are named relative to the saga.
    /// The saga's endpoint needs <see cref="SagaConcurrencyRetryExtensions.UseSagaConcurrencyRetry"/>; a saga that raises events
    /// implements <see cref="ISagaWithOutbox"/>.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> DocumentRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator,
        string serviceName, CollectionDefinition collection)
        where TSaga : class, ISagaVersion
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(collection);
        configurator.Repository(r => r.DocumentRepository(serviceName, collection));
        return configurator;
    }

    /// <summary>The same, for use inside <c>.Repository(r =&gt; ...)</c>.</summary>
    public static void DocumentRepository<TSaga>(this ISagaRepositoryRegistrationConfigurator<TSaga> configurator, string serviceName, CollectionDefinition collection)
        where TSaga : class, ISagaVersion
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(collection);

        configurator.AddSingleton(sp => new SagaDocumentCollection<TSaga>(StoreOf(sp, serviceName, typeof(TSaga)), collection));
        configurator.AddSingleton<IHostedService>(sp => new SagaCollectionInitializer<TSaga>(sp.GetRequiredService<SagaDocumentCollection<TSaga>>()));

        configurator.RegisterLoadSagaRepository<TSaga, DocumentSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterQuerySagaRepository<TSaga, DocumentSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterSagaRepository<TSaga, SagaDocumentCollection<TSaga>, SagaConsumeContextFactory<SagaDocumentCollection<TSaga>, TSaga>,
            DocumentSagaRepositoryContextFactory<TSaga>>();
    }

    private static IDocumentStore StoreOf(IServiceProvider services, string serviceName, Type sagaType) =>
        services.GetKeyedService<IDocumentStore>(serviceName)
        ?? throw new InvalidOperationException(
            $"The saga {sagaType.Name} is stored in the document store of '{serviceName}', but none is registered: call builder.AddDocumentStore(\"{serviceName}\").");

    /// <summary>Creates the saga's collection at start-up, and fails the start if the service has no store.</summary>
    private sealed class SagaCollectionInitializer<TSaga>(SagaDocumentCollection<TSaga> documents) : IHostedService where TSaga : class, ISagaVersion
    {
        public Task StartAsync(CancellationToken cancellationToken) => documents.EnsureCreatedAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
