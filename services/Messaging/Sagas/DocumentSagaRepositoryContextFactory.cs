using MassTransit;
using MassTransit.Saga;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// MassTransit's entry into the document saga repository: one repository context per message (load, insert, update, delete
/// of that message's instance), plus contexts for loading by id and querying outside a message.
/// </summary>
public sealed class DocumentSagaRepositoryContextFactory<TSaga>(
    SagaDocumentCollection<TSaga> documents,
    ISagaConsumeContextFactory<SagaDocumentCollection<TSaga>, TSaga> factory) :
    ISagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default) where T : class =>
        asyncMethod(new DocumentSagaRepositoryContext<TSaga>(documents, cancellationToken));

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default) where T : class =>
        asyncMethod(new DocumentSagaRepositoryContext<TSaga>(documents, cancellationToken));

    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next) where T : class =>
        next.Send(new DocumentSagaRepositoryContext<TSaga, T>(documents, context, factory));

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next) where T : class
    {
        var repositoryContext = new DocumentSagaRepositoryContext<TSaga, T>(documents, context, factory);
        var instances = await documents.QueryAsync(query.FilterExpression, context.CancellationToken);
        await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
    }

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "document-store");
        context.Add("service", documents.ServiceName);
        context.Add("collection", documents.Definition.Name);
    }
}
