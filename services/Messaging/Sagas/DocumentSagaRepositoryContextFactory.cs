using MassTransit;
using MassTransit.Saga;
using PatientExperience.Messaging.Scheduling;

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
        AsOneAttemptAsync(() => next.Send(new DocumentSagaRepositoryContext<TSaga, T>(documents, context, factory)));

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next) where T : class =>
        AsOneAttemptAsync(async () =>
        {
            var repositoryContext = new DocumentSagaRepositoryContext<TSaga, T>(documents, context, factory);
            var instances = await documents.QueryAsync(query.FilterExpression, context.CancellationToken);
            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        });

    /// <summary>
    /// Runs the message against its instance as one attempt for the durable scheduler (<see cref="SagaAttemptTimers"/>): if it
    /// fails before the instance is stored, the timers it scheduled are removed and those it cancelled stay; once the
    /// instance is stored, the cancellations are made. (A query that matched several instances and failed after storing one
    /// keeps all of the attempt's timers: the ones that are not current are ignored when they fire.)
    /// </summary>
    private static async Task AsOneAttemptAsync(Func<Task> attempt)
    {
        var timers = SagaAttemptTimers.Begin();
        try
        {
            await attempt();
        }
        catch (Exception)
        {
            await (timers.Stored ? timers.CompleteAsync() : timers.UndoAsync());
            throw;
        }

        await timers.CompleteAsync();
    }

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "document-store");
        context.Add("service", documents.ServiceName);
        context.Add("collection", documents.Definition.Name);
    }
}
