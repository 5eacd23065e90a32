using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Storage;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Testing.Security;

/// <summary>A write to a service's store made while a request carrying <see cref="StoreWrites.ProbeHeader"/> was served.</summary>
public sealed record StoreWrite(string Probe, string Store, string Collection, string Operation, string Id, int OutboxMessages)
{
    public override string ToString() => $"{Operation} {Store}/{Collection}/{Id}" + (OutboxMessages > 0 ? $" with {OutboxMessages} outbox message(s)" : "");
}

/// <summary>
/// Records every write to a service's document stores (insert, replace, delete, with the outbox messages they carry) made
/// while serving a request whose <see cref="ProbeHeader"/> names a probe. Background work (relays, consumers, timers) has no
/// such request and is not recorded, so a test can say "this refused call changed nothing" without waiting for the service
/// to fall quiet. Installed with <see cref="RecordStoreWrites"/> after the service's own registrations.
/// </summary>
public sealed class StoreWrites
{
    public const string ProbeHeader = "X-Pxp-Probe";

    private readonly ConcurrentQueue<StoreWrite> _writes = new();

    public IReadOnlyList<StoreWrite> For(string probe) => _writes.Where(w => w.Probe == probe).ToList();

    /// <summary>The writes of a probe except appends to the PHI audit chain (a refused read or change is audited on purpose).</summary>
    public IReadOnlyList<StoreWrite> ChangesBy(string probe) => For(probe).Where(w => w.Collection != PhiAuditLog.Definition.Name).ToList();

    internal void Add(StoreWrite write) => _writes.Enqueue(write);

    /// <summary>Wraps every keyed <see cref="IDocumentStore"/> registered so far.</summary>
    public void RecordStoreWrites(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IDocumentStore) && d.IsKeyedService).ToList())
        {
            var factory = descriptor.KeyedImplementationFactory ?? throw new InvalidOperationException("A keyed document store registered without a factory.");
            services.Remove(descriptor);
            services.AddKeyedSingleton<IDocumentStore>(descriptor.ServiceKey, (sp, key) =>
                new RecordingStore((IDocumentStore)factory(sp, key), this, sp.GetRequiredService<IHttpContextAccessor>()));
        }
    }

    private sealed class RecordingStore(IDocumentStore inner, StoreWrites log, IHttpContextAccessor http) : IDocumentStore
    {
        public string Name => inner.Name;

        public IOutbox Outbox => inner.Outbox;

        public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class =>
            new RecordingCollection<T>(inner.Collection<T>(definition), definition.Name, this);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken)
        {
            foreach (var write in writes) Record(write.Collection.Name, write.ExpectedVersion is null ? "insert" : "replace", write.Id, 0);
            return inner.TryWriteAllAsync(writes, cancellationToken);
        }

        public void Record(string collection, string operation, string id, int outbox)
        {
            var probe = http.HttpContext?.Request.Headers[ProbeHeader].ToString();
            if (!string.IsNullOrEmpty(probe)) log.Add(new StoreWrite(probe, Name, collection, operation, id, outbox));
        }
    }

    private sealed class RecordingCollection<T>(IDocumentCollection<T> inner, string name, RecordingStore store) : IDocumentCollection<T> where T : class
    {
        public Task<Stored<T>?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<Stored<T>> InsertAsync(string id, T document, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
        {
            store.Record(name, "insert", id, outbox.Count);
            return inner.InsertAsync(id, document, outbox, cancellationToken);
        }

        public Task<Stored<T>> ReplaceAsync(string id, T document, long expectedVersion, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
        {
            store.Record(name, "replace", id, outbox.Count);
            return inner.ReplaceAsync(id, document, expectedVersion, outbox, cancellationToken);
        }

        public Task<bool> DeleteAsync(string id, long? expectedVersion, CancellationToken cancellationToken)
        {
            store.Record(name, "delete", id, 0);
            return inner.DeleteAsync(id, expectedVersion, cancellationToken);
        }

        public Task<Stored<T>?> FindOneAsync(string field, object value, CancellationToken cancellationToken) => inner.FindOneAsync(field, value, cancellationToken);

        public Task<Page<Stored<T>>> QueryAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public Task<long> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

        public Task<IReadOnlyList<GroupCount>> CountByAsync(DocumentQuery query, IReadOnlyList<string> groupBy, CancellationToken cancellationToken) =>
            inner.CountByAsync(query, groupBy, cancellationToken);

        public Task<IReadOnlyList<string>> ListIdsAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.ListIdsAsync(query, cancellationToken);

        public Task<IReadOnlyList<Stored<T>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) => inner.GetManyAsync(ids, cancellationToken);

        public Task<IReadOnlyList<long?>> WriteManyAsync(IReadOnlyList<DocumentWrite<T>> writes, CancellationToken cancellationToken)
        {
            foreach (var write in writes) store.Record(name, write.ExpectedVersion is null ? "insert" : "replace", write.Id, 0);
            return inner.WriteManyAsync(writes, cancellationToken);
        }
    }
}
