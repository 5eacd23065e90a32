using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Phi;
using PatientExperience.Storage.Sqlite;

namespace PatientExperience.Storage.Tests;

/// <summary>A case-shaped document: protected values at the top, in a list and optional, as the services store them.</summary>
public sealed record NoteDocument(Guid Id, string FacilityId, string ProtectedTitle, string? ProtectedMeasure, List<NoteEntry> Notes);

public sealed record NoteEntry(string Author, string ProtectedText);

/// <summary>
/// Re-encryption after a rotation: values written with key A (and format-1 values without the record) are rewritten under
/// key B bound to their record, so the service starts and reads everything with A removed; runs are idempotent and survive
/// concurrent changes.
/// </summary>
public sealed class PhiReEncryptionTests : IDisposable
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly CollectionDefinition Notes = new("notes") { IndexedFields = ["facilityId"] };
    private static readonly Func<Guid, PhiRecord> RecordOf = id => new PhiRecord("note-document", id);

    private readonly SqliteDocumentStore _store = new("reencryption", null);
    private readonly List<ServiceProvider> _providers = [];

    public PhiReEncryptionTests() => _ = _store.Collection<NoteDocument>(Notes); // known to the store before it creates its tables

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDocumentCollection<NoteDocument> Collection => _store.Collection<NoteDocument>(Notes);

    /// <summary>The service's ring as configured at one moment (a start of the service).</summary>
    private TestPhi Ring(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IHostEnvironment>(new Environment())
            .AddSingleton<IConfiguration>(configuration)
            .AddPhiProtection<TestPhi>(configuration, TestPhi.Name)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _providers.Add(services);
        _ = services.GetRequiredService<IOptionsMonitor<PhiOptions>>().Get(TestPhi.Name); // the start-up check
        return services.GetRequiredService<TestPhi>();
    }

    private TestPhi BeforeRotation() => Ring(new() { ["Phi:EncryptionKey"] = KeyA, ["Phi:KeyId"] = "a" });

    private TestPhi DuringRotation() => Ring(new() { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "b", ["Phi:PreviousKeys:a"] = KeyA });

    private TestPhi AfterRotation() => Ring(new() { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "b" });

    private PhiReEncryption Job(IPhiProtector phi) => new("test", _store, phi, [PhiCollection.By(Notes, "id", RecordOf)], NullLogger.Instance);

    private async Task<NoteDocument> WriteAsync(IPhiProtector phi, int i, bool formatOne = false)
    {
        var id = Guid.CreateVersion7();
        var record = RecordOf(id);
        string Protect(string text) => formatOne ? FormatOne(KeyA, "a", text) : phi.Protect(text, record);
        var document = new NoteDocument(id, "riverside", Protect($"title {i}"), i % 2 == 0 ? Protect($"measure {i}") : null,
            [new NoteEntry("pr-1", Protect($"note {i}.1")), new NoteEntry("pr-2", Protect($"note {i}.2"))]);
        await Collection.InsertAsync(id.ToString(), document, [], Ct);
        return document;
    }

    private static void AssertReads(IPhiProtector phi, NoteDocument d, int i)
    {
        var record = RecordOf(d.Id);
        Assert.Equal($"title {i}", phi.Unprotect(d.ProtectedTitle, record));
        Assert.Equal(i % 2 == 0 ? $"measure {i}" : null, d.ProtectedMeasure is null ? null : phi.Unprotect(d.ProtectedMeasure, record));
        Assert.Equal([$"note {i}.1", $"note {i}.2"], d.Notes.Select(n => phi.Unprotect(n.ProtectedText, record)));
    }

    [Fact]
    public async Task After_a_rotation_and_a_run_everything_reads_back_with_the_retired_key_removed()
    {
        await _store.InitializeAsync(Ct);
        var written = new List<NoteDocument>();
        var before = BeforeRotation();
        for (var i = 0; i < 7; i++) written.Add(await WriteAsync(before, i, formatOne: i == 3)); // one written before records were bound
        var during = DuringRotation();
        written.Add(await WriteAsync(during, 7)); // already under the new key

        var pending = await Job(during).SurveyAsync(Ct);
        var report = await Job(during).RunAsync(Ct, batchSize: 3); // three batches, the last one short

        Assert.Equal(7 * 3 + 4, pending.Remaining); // 7 documents under key a: titles, notes, and the 4 measures of i = 0, 2, 4, 6
        Assert.Equal(new Dictionary<string, long> { ["a"] = 25 }, pending.RemainingByKeyId);
        Assert.Equal((25, 0L, 0L), (report.ValuesRewritten, report.Remaining, report.Unreadable));
        Assert.Equal(7, Assert.Single(report.Collections).DocumentsRewritten);
        var after = AfterRotation();
        for (var i = 0; i < written.Count; i++)
        {
            var stored = (await Collection.GetAsync(written[i].Id.ToString(), Ct))!;
            AssertReads(after, stored.Document, i);
            Assert.Equal(i == 7 ? 1 : 2, stored.Version); // the document under the new key was left alone
            Assert.True(after.Label(stored.Document.ProtectedTitle) is { KeyId: "b", IsCurrent: true });
        }
    }

    [Fact]
    public async Task A_second_run_rewrites_nothing_and_an_interrupted_one_is_finished_by_running_it_again()
    {
        await _store.InitializeAsync(Ct);
        var before = BeforeRotation();
        for (var i = 0; i < 5; i++) await WriteAsync(before, i);
        var during = DuringRotation();
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Job(during).RunAsync(cancelled.Token));
        }

        var first = await Job(during).RunAsync(Ct, batchSize: 2);
        var second = await Job(during).RunAsync(Ct, batchSize: 2);

        Assert.Equal((0L, 5L), (first.Remaining, first.Collections[0].DocumentsRewritten));
        Assert.Equal((0L, 0L, 0L), (second.ValuesRewritten, second.Remaining, second.Collections[0].DocumentsRewritten));
        Assert.Equal(5 * 3 + 3, second.Collections[0].ValuesCurrent);
    }

    [Fact]
    public async Task A_document_changed_while_it_is_rewritten_is_read_again_and_keeps_the_change()
    {
        await _store.InitializeAsync(Ct);
        var before = BeforeRotation();
        var original = await WriteAsync(before, 0);
        var during = DuringRotation();
        var collection = new ChangingOnFirstReplace(Collection, _store.Collection<System.Text.Json.Nodes.JsonObject>(Notes), during, RecordOf(original.Id));
        var conflicting = new ConflictingStore(_store, collection);
        var job = new PhiReEncryption("test", conflicting, during, [PhiCollection.By(Notes, "id", RecordOf)], NullLogger.Instance);

        var report = await job.RunAsync(Ct);

        Assert.Equal((0L, 1L), (report.Remaining, report.Collections[0].DocumentsRewritten));
        var stored = (await Collection.GetAsync(original.Id.ToString(), Ct))!.Document;
        var after = AfterRotation();
        Assert.Equal(["note 0.1", "note 0.2", "added meanwhile"], stored.Notes.Select(n => after.Unprotect(n.ProtectedText, RecordOf(original.Id))));
        Assert.Equal("title 0", after.Unprotect(stored.ProtectedTitle, RecordOf(original.Id)));
    }

    [Fact]
    public async Task A_value_under_a_key_the_service_no_longer_holds_is_counted_and_left_as_it_is()
    {
        await _store.InitializeAsync(Ct);
        var written = await WriteAsync(BeforeRotation(), 1);
        var after = AfterRotation();

        var report = await Job(after).RunAsync(Ct);

        Assert.Equal((0L, 3L, 3L), (report.ValuesRewritten, report.Remaining, report.Unreadable));
        var stored = (await Collection.GetAsync(written.Id.ToString(), Ct))!;
        Assert.Equal(1, stored.Version);
        Assert.Equal([written.ProtectedTitle, .. written.Notes.Select(n => n.ProtectedText)], [stored.Document.ProtectedTitle, .. stored.Document.Notes.Select(n => n.ProtectedText)]);
    }

    /// <summary>A value as written before records were bound: <c>keyId:base64(nonce|tag|ct)</c>, the key id the only authenticated data.</summary>
    private static string FormatOne(string key, string keyId, string plaintext)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(Convert.FromBase64String(key), 16);
        aes.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(28), output.AsSpan(12, 16), System.Text.Encoding.ASCII.GetBytes(keyId));
        return keyId + ":" + Convert.ToBase64String(output);
    }

    public void Dispose()
    {
        foreach (var p in _providers) p.Dispose();
        _store.Dispose();
    }

    private sealed class TestPhi(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, Name)
    {
        public const string Name = "test";
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    /// <summary>A store whose collection of notes adds a note (as staff would) just before the job's first replace lands.</summary>
    private sealed class ConflictingStore(IDocumentStore inner, IDocumentCollection<System.Text.Json.Nodes.JsonObject> notes) : IDocumentStore
    {
        public string Name => inner.Name;
        public IOutbox Outbox => inner.Outbox;

        public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class =>
            definition == Notes && typeof(T) == typeof(System.Text.Json.Nodes.JsonObject) ? (IDocumentCollection<T>)notes : inner.Collection<T>(definition);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);
        public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken) => inner.TryWriteAllAsync(writes, cancellationToken);
    }

    private sealed class ChangingOnFirstReplace(
        IDocumentCollection<NoteDocument> typed, IDocumentCollection<System.Text.Json.Nodes.JsonObject> inner, IPhiProtector phi, PhiRecord record)
        : IDocumentCollection<System.Text.Json.Nodes.JsonObject>
    {
        private bool _changed;

        public async Task<Stored<System.Text.Json.Nodes.JsonObject>> ReplaceAsync(string id, System.Text.Json.Nodes.JsonObject document, long expectedVersion,
            IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
        {
            if (!_changed)
            {
                _changed = true;
                var current = (await typed.GetAsync(id, cancellationToken))!;
                var changed = current.Document with { Notes = [.. current.Document.Notes, new NoteEntry("pr-3", phi.Protect("added meanwhile", record))] };
                await typed.ReplaceAsync(id, changed, current.Version, [], cancellationToken);
            }

            return await inner.ReplaceAsync(id, document, expectedVersion, outbox, cancellationToken);
        }

        public Task<Stored<System.Text.Json.Nodes.JsonObject>?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);
        public Task<Stored<System.Text.Json.Nodes.JsonObject>> InsertAsync(string id, System.Text.Json.Nodes.JsonObject document, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken) => inner.InsertAsync(id, document, outbox, cancellationToken);
        public Task<bool> DeleteAsync(string id, long? expectedVersion, CancellationToken cancellationToken) => inner.DeleteAsync(id, expectedVersion, cancellationToken);
        public Task<Stored<System.Text.Json.Nodes.JsonObject>?> FindOneAsync(string field, object value, CancellationToken cancellationToken) => inner.FindOneAsync(field, value, cancellationToken);
        public Task<Page<Stored<System.Text.Json.Nodes.JsonObject>>> QueryAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);
        public Task<long> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);
        public Task<IReadOnlyList<GroupCount>> CountByAsync(DocumentQuery query, IReadOnlyList<string> groupBy, CancellationToken cancellationToken) => inner.CountByAsync(query, groupBy, cancellationToken);
        public Task<IReadOnlyList<string>> ListIdsAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.ListIdsAsync(query, cancellationToken);
        public Task<IReadOnlyList<Stored<System.Text.Json.Nodes.JsonObject>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) => inner.GetManyAsync(ids, cancellationToken);
        public Task<IReadOnlyList<long?>> WriteManyAsync(IReadOnlyList<DocumentWrite<System.Text.Json.Nodes.JsonObject>> writes, CancellationToken cancellationToken) => inner.WriteManyAsync(writes, cancellationToken);
    }
}
