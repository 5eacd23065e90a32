using MassTransit;
using MassTransit.Context;
using MassTransit.Logging;
using MassTransit.Middleware;
using MassTransit.Saga;
using PatientExperience.Messaging.Scheduling;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// The repository as one message sees it. MassTransit's saga pipes call it: <c>SendSagaPipe</c> calls <see cref="Insert"/>
/// (only for state machines that insert on the initial event) then <see cref="Load"/>, and after the state machine ran,
/// <see cref="Update"/>, or <see cref="Delete"/> once the instance is completed (finalized with <c>SetCompletedWhenFinalized</c>);
/// <c>MissingSagaPipe</c> calls <see cref="Add"/> for a new instance, then <see cref="Save"/>, or <see cref="Discard"/> when it
/// completed at once or faulted.
/// </summary>
public sealed class DocumentSagaRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>,
    SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    private readonly SagaDocumentCollection<TSaga> _documents;
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly ISagaConsumeContextFactory<SagaDocumentCollection<TSaga>, TSaga> _factory;

    public DocumentSagaRepositoryContext(SagaDocumentCollection<TSaga> documents, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<SagaDocumentCollection<TSaga>, TSaga> factory)
        : base(consumeContext)
    {
        _documents = documents;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_documents, consumeContext, instance, mode);

    /// <summary>A new instance, not stored yet: <see cref="Save"/> inserts it after the state machine ran.</summary>
    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_documents, _consumeContext, instance, SagaConsumeContextMode.Add);

    /// <summary>Inserts a new instance before the state machine runs; null when it already exists, so MassTransit loads that one.</summary>
    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        try
        {
            await _documents.InsertAsync(instance, CancellationToken);
        }
        catch (SagaConcurrencyException e)
        {
            _consumeContext.LogInsertFault<TSaga, TMessage>(e, instance.CorrelationId);
            return null!;
        }

        _consumeContext.LogInsert<TSaga, TMessage>(instance.CorrelationId);
        return await _factory.CreateSagaConsumeContext(_documents, _consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await _documents.LoadAsync(correlationId, CancellationToken);
        return instance is null
            ? null!
            : await _factory.CreateSagaConsumeContext(_documents, _consumeContext, instance, SagaConsumeContextMode.Load);
    }

    /// <summary>Inserts an instance created by this message; a concurrent creation of the same instance is a conflict.</summary>
    public Task Save(SagaConsumeContext<TSaga> context) => StoredAsync(_documents.InsertAsync(context.Saga, CancellationToken));

    public Task Update(SagaConsumeContext<TSaga> context) => StoredAsync(_documents.UpdateAsync(context.Saga, CancellationToken));

    public Task Delete(SagaConsumeContext<TSaga> context) => StoredAsync(_documents.DeleteAsync(context.Saga, CancellationToken));

    /// <summary>
    /// An instance created by this message is dropped: nothing to undo, since nothing was written, except that an instance
    /// that completed at once keeps the events it raised (they are stored, and the instance removed again).
    /// </summary>
    public Task Discard(SagaConsumeContext<TSaga> context) =>
        context.IsCompleted ? StoredAsync(_documents.StoreEventsOfDiscardedAsync(context.Saga, CancellationToken)) : Task.CompletedTask;

    /// <summary>The state machine's outcome is written: the attempt's timers stand (<see cref="SagaAttemptTimers"/>).</summary>
    private static async Task StoredAsync(Task write)
    {
        await write;
        SagaAttemptTimers.Current?.MarkStored();
    }

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;
}

/// <summary>The repository outside a message: load an instance by correlation id, or find the ids of instances matching a query.</summary>
public sealed class DocumentSagaRepositoryContext<TSaga>(SagaDocumentCollection<TSaga> documents, CancellationToken cancellationToken) :
    BasePipeContext(cancellationToken),
    LoadSagaRepositoryContext<TSaga>,
    QuerySagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task<TSaga> Load(Guid correlationId) => (await documents.LoadAsync(correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        var instances = await documents.QueryAsync(query.FilterExpression, cancellationToken);
        return new LoadedSagaRepositoryQueryContext<TSaga>(this, instances);
    }
}
