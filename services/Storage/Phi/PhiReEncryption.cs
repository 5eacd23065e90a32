using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Storage.Phi;

/// <summary>
/// A collection that holds protected values, and the record each document's values are bound to. The protected values are
/// found by name: every string property called <c>protected...</c> (<c>protectedContent</c>, <c>notes[].protectedText</c>, ...)
/// at any depth, which is how every store names them.
/// </summary>
public sealed record PhiCollection(CollectionDefinition Definition, Func<JsonObject, PhiRecord> RecordOf)
{
    /// <summary>The record is named by a GUID field of the document (<c>id</c> for most; <c>caseId</c> for a case's archive).</summary>
    public static PhiCollection By(CollectionDefinition definition, string field, Func<Guid, PhiRecord> recordOf) =>
        new(definition, document => recordOf(Guid.Parse(document[field]?.GetValue<string>()
            ?? throw new InvalidOperationException($"A document in '{definition.Name}' has no '{field}'."))));
}

/// <summary>One collection's state: documents read and rewritten, values rewritten, values still under an old key or format by key id.</summary>
public sealed record PhiCollectionProgress(
    string Collection, long Documents, long DocumentsRewritten, long ValuesRewritten, long ValuesCurrent,
    IReadOnlyDictionary<string, long> RemainingByKeyId, long Unreadable);

/// <summary>What a run found and did; <see cref="Remaining"/> 0 means no value needs a previous key any more.</summary>
public sealed record PhiReEncryptionReport(string Service, bool Rewrote, IReadOnlyList<PhiCollectionProgress> Collections)
{
    public long ValuesRewritten => Collections.Sum(c => c.ValuesRewritten);
    public long Remaining => Collections.Sum(c => c.RemainingByKeyId.Values.Sum());
    public long Unreadable => Collections.Sum(c => c.Unreadable);

    public IReadOnlyDictionary<string, long> RemainingByKeyId => Collections.SelectMany(c => c.RemainingByKeyId)
        .GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);
}

/// <summary>
/// Re-encryption after a key rotation: walks a service's collections through the storage port in batches (by id), and
/// rewrites every protected value that is not under the current key and format (an earlier key, or format 1 without the
/// record) with the current key, bound to its record, so a retired key can be removed from <c>Phi:PreviousKeys</c>.
/// Each document is replaced under the version it was read at; a concurrent change is read again and redone. Values already
/// current are left alone, so a run is idempotent, and an interrupted run is resumed by running it again. A value that does
/// not decrypt (a key this service does not hold, or a value that was changed) is counted, never rewritten, never shown.
/// </summary>
public sealed partial class PhiReEncryption(
    string service, IDocumentStore store, IPhiProtector phi, IReadOnlyList<PhiCollection> collections, ILogger logger, PhiAuditLog? audit = null)
{
    /// <summary>The actor the audit chain records for a run.</summary>
    public const string Actor = "phi-re-encryption";

    public const string AuditAction = "phi.re-encrypt";
    public const int DefaultBatchSize = 200;
    private const int MaxAttempts = 5;

    private static readonly ClaimsPrincipal System = new(new ClaimsIdentity([new Claim("sub", Actor)], "system"));

    /// <summary>Counts what is left to rewrite, by collection and key id, without changing anything.</summary>
    public Task<PhiReEncryptionReport> SurveyAsync(CancellationToken ct, int batchSize = DefaultBatchSize) => WalkAsync(rewrite: false, batchSize, ct);

    /// <summary>Rewrites every value not under the current key and format; audited, progress logged per collection.</summary>
    public async Task<PhiReEncryptionReport> RunAsync(CancellationToken ct, int batchSize = DefaultBatchSize)
    {
        var report = await WalkAsync(rewrite: true, batchSize, ct);
        if (audit is not null) await audit.RecordAsync(System, AuditAction, Guid.NewGuid(), "*", ct, "phi-re-encryption");
        LogFinished(logger, service, report.ValuesRewritten, report.Remaining, report.Unreadable);
        return report;
    }

    private async Task<PhiReEncryptionReport> WalkAsync(bool rewrite, int batchSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, DocumentQuery.MaxPageSize);
        var progress = new List<PhiCollectionProgress>();
        foreach (var collection in collections)
        {
            var documents = store.Collection<JsonObject>(collection.Definition);
            var tally = new Tally();
            for (var page = 1; ; page++)
            {
                // Sorted by id (the default order): rewriting changes no document's place, so pages stay where they were.
                var batch = await documents.QueryAsync(new DocumentQuery { PageNumber = page, PageSize = batchSize }, ct);
                foreach (var stored in batch.Items) await VisitAsync(documents, collection, stored, rewrite, tally, ct);
                if (batch.Items.Count < batchSize) break;
            }

            var result = tally.ToProgress(collection.Definition.Name);
            if (rewrite) LogCollection(logger, service, result.Collection, result.Documents, result.DocumentsRewritten, result.ValuesRewritten, result.RemainingByKeyId.Values.Sum());
            progress.Add(result);
        }

        return new PhiReEncryptionReport(service, rewrite, progress);
    }

    private async Task VisitAsync(IDocumentCollection<JsonObject> documents, PhiCollection collection, Stored<JsonObject> stored, bool rewrite, Tally tally, CancellationToken ct)
    {
        tally.Documents++;
        for (var attempt = 1; ; attempt++)
        {
            var pass = new Tally();
            var record = collection.RecordOf(stored.Document);
            var changed = 0;
            foreach (var (owner, name, value) in ProtectedValues(stored.Document))
            {
                PhiValueLabel label;
                try { label = phi.Label(value); }
                catch (CryptographicException) { pass.Unreadable++; continue; }
                if (label.IsCurrent) { pass.Current++; continue; }
                if (!rewrite) { pass.Remaining(label.KeyId); continue; }
                try
                {
                    owner[name] = phi.Reprotect(value, record);
                    changed++;
                }
                catch (CryptographicException)
                {
                    // A key this service no longer holds, or a changed value: left as it is, counted, never shown.
                    pass.Remaining(label.KeyId);
                    pass.Unreadable++;
                }
            }

            if (changed == 0)
            {
                tally.Add(pass);
                return;
            }

            try
            {
                await documents.ReplaceAsync(stored.Id, stored.Document, stored.Version, [], ct);
                pass.ValuesRewritten = changed;
                pass.DocumentsRewritten = 1;
                tally.Add(pass);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // Changed meanwhile (a note added, a delivery attempted): read it again and redo it on what is there now.
                var again = await documents.GetAsync(stored.Id, ct);
                if (again is null) return;
                stored = again;
            }
        }
    }

    /// <summary>Every <c>protected...</c> string property, with the object that holds it, at any depth.</summary>
    internal static IEnumerable<(JsonObject Owner, string Name, string Value)> ProtectedValues(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    if (child is JsonValue v && v.TryGetValue<string>(out var text) && name.StartsWith("protected", StringComparison.Ordinal))
                        yield return (o, name, text);
                    else
                        foreach (var inner in ProtectedValues(child)) yield return inner;
                }

                break;
            case JsonArray a:
                foreach (var item in a.ToList())
                foreach (var inner in ProtectedValues(item)) yield return inner;
                break;
        }
    }

    private sealed class Tally
    {
        public long Documents;
        public long DocumentsRewritten;
        public long ValuesRewritten;
        public long Current;
        public long Unreadable;
        public readonly Dictionary<string, long> ByKeyId = new(StringComparer.Ordinal);

        public void Remaining(string keyId) => ByKeyId[keyId] = ByKeyId.GetValueOrDefault(keyId) + 1;

        public void Add(Tally pass)
        {
            DocumentsRewritten += pass.DocumentsRewritten;
            ValuesRewritten += pass.ValuesRewritten;
            Current += pass.Current;
            Unreadable += pass.Unreadable;
            foreach (var (id, n) in pass.ByKeyId) ByKeyId[id] = ByKeyId.GetValueOrDefault(id) + n;
        }

        public PhiCollectionProgress ToProgress(string collection) =>
            new(collection, Documents, DocumentsRewritten, ValuesRewritten, Current, new Dictionary<string, long>(ByKeyId, StringComparer.Ordinal), Unreadable);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PHI re-encryption of {Service} {Collection}: {Documents} documents read, {Rewritten} rewritten ({Values} values); {Remaining} values still need a previous key")]
    private static partial void LogCollection(ILogger logger, string service, string collection, long documents, long rewritten, long values, long remaining);

    [LoggerMessage(Level = LogLevel.Information, Message = "PHI re-encryption of {Service} finished: {Rewritten} values rewritten, {Remaining} left under a previous key or format, {Unreadable} unreadable")]
    private static partial void LogFinished(ILogger logger, string service, long rewritten, long remaining, long unreadable);
}

/// <summary>
/// Runs a service's <see cref="PhiReEncryption"/> once in the background after start-up when its ring says
/// <see cref="PhiOptions.ReEncrypt"/>. Safe with several replicas: each document is replaced under its version, a conflict
/// is redone, and values already current are skipped.
/// </summary>
internal sealed partial class PhiReEncryptionJob(PhiReEncryption job, bool enabled, IHostApplicationLifetime lifetime, ILogger<PhiReEncryptionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled) return;
        // After the host has started: the store is initialised and the service answers meanwhile.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }

        try
        {
            await job.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was rewritten stays rewritten; the next run resumes.
        }
        catch (Exception e)
        {
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "PHI re-encryption stopped ({Error}); it resumes at the next start with Phi:ReEncrypt")]
    private static partial void LogFailed(ILogger logger, string error);
}

public static class PhiReEncryptionExtensions
{
    /// <summary>
    /// Registers <paramref name="service"/>'s re-encryption over <paramref name="collections"/> of its keyed store, with its
    /// protector <typeparamref name="TProtector"/> and (optionally) its audit log, and the background run that
    /// <c>Phi:ReEncrypt</c> turns on.
    /// </summary>
    public static IServiceCollection AddPhiReEncryption<TProtector>(this IServiceCollection services, string service, IReadOnlyList<PhiCollection> collections, Type? auditLog = null)
        where TProtector : ServicePhiProtector
    {
        services.AddKeyedSingleton(service, (sp, _) => new PhiReEncryption(
            service, sp.GetRequiredKeyedService<IDocumentStore>(service), sp.GetRequiredService<TProtector>(), collections,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PhiReEncryption>(), auditLog is null ? null : (PhiAuditLog)sp.GetRequiredService(auditLog)));
        services.AddSingleton<IHostedService>(sp => new PhiReEncryptionJob(
            sp.GetRequiredKeyedService<PhiReEncryption>(service), sp.GetRequiredService<IOptionsMonitor<PhiOptions>>().Get(service).ReEncrypt,
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<PhiReEncryptionJob>>()));
        return services;
    }
}
