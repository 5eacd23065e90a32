using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using PatientExperience.Storage.Audit;
using PatientExperience.Storage.Mongo;
using PatientExperience.Storage.Sqlite;
using static PatientExperience.Storage.Tests.TestDocuments;

namespace PatientExperience.Storage.Tests;

/// <summary>
/// What the PHI audit log must do on every store: an append-only chain whose verification finds the first entry that was
/// changed, moved or removed, and that two replicas appending at once never fork.
/// </summary>
public abstract class PhiAuditLogConformanceTests : IAsyncLifetime
{
    private IDocumentStore? _store;

    protected CollectionDefinition Definition { get; } = PhiAuditLog.Definition with { Name = UniqueCollectionName("phi_audit") };

    protected IDocumentStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract ValueTask<IDocumentStore> CreateStoreAsync();

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _ = NewLog(); // registers the collection before the store creates its tables and indexes
        await _store.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private TestAuditLog NewLog(HttpContext? request = null) =>
        new(Store, new HttpContextAccessor { HttpContext = request }, Definition);

    private IDocumentCollection<PhiAuditEntry> Entries => Store.Collection<PhiAuditEntry>(Definition);

    private static ClaimsPrincipal Staff(string person, string role = "patient-relations") =>
        new(new ClaimsIdentity([new Claim("sub", person), new Claim("role", role), new Claim("facility", "riverside-general")], "test"));

    private static async Task RecordAsync(PhiAuditLog log, int count)
    {
        for (var i = 0; i < count; i++) await log.RecordAsync(Staff($"person-{i}"), "case.read", Guid.NewGuid(), "riverside-general", Ct);
    }

    private static string Key(long sequence) => sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Accesses_allowed_and_denied_form_a_chain_that_verifies()
    {
        var log = NewLog();
        var subject = Guid.NewGuid();
        await log.RecordAsync(Staff("advocate-1", "advocate"), "case.read", subject, "riverside-general", Ct);
        await log.RecordDeniedAsync(Staff("advocate-9", "advocate"), "case.read", subject, "riverside-general", Ct);
        await RecordAsync(log, 3);

        var verification = await log.VerifyAsync(Ct);
        var forSubject = await log.ForSubjectAsync(subject, Ct);

        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(5, verification.Entries);
        Assert.Equal(5, verification.HeadSequence);
        Assert.Equal([1L, 2L], forSubject.Select(e => e.Sequence));
        Assert.Equal([AuditOutcome.Allowed, AuditOutcome.Denied], forSubject.Select(e => e.Outcome));
        Assert.Equal(AuditChain.Genesis, forSubject[0].PreviousHash);
        Assert.Equal(forSubject[0].Hash, forSubject[1].PreviousHash);
        Assert.Equal(["advocate"], forSubject[1].Roles);
    }

    [Fact]
    public async Task An_empty_chain_is_valid_and_has_no_head()
    {
        var verification = await NewLog().VerifyAsync(Ct);

        Assert.True(verification.Valid);
        Assert.Equal(0, verification.Entries);
        Assert.Null(verification.HeadHash);
    }

    [Fact]
    public async Task Changing_a_stored_entry_makes_verification_fail_at_that_entry()
    {
        var log = NewLog();
        await RecordAsync(log, 5);
        var third = (await Entries.GetAsync(Key(3), Ct))!;

        // Someone with access to the database rewrites who read the record.
        await Entries.ReplaceAsync(third.Id, third.Document with { Actor = "someone-else" }, third.Version, [], Ct);
        var verification = await log.VerifyAsync(Ct);

        Assert.False(verification.Valid);
        Assert.Equal(3, verification.BrokenAt);
        Assert.Equal(2, verification.Entries);
        Assert.Contains("changed", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewriting_an_entry_with_a_fresh_hash_breaks_the_chain_at_the_next_entry()
    {
        var log = NewLog();
        await RecordAsync(log, 5);
        var third = (await Entries.GetAsync(Key(3), Ct))!;
        var forged = third.Document with { Actor = "someone-else" };

        await Entries.ReplaceAsync(third.Id, forged with { Hash = AuditChain.HashOf(forged) }, third.Version, [], Ct);
        var verification = await log.VerifyAsync(Ct);

        Assert.False(verification.Valid);
        Assert.Equal(4, verification.BrokenAt);
        Assert.Contains("does not follow", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_entry_makes_verification_fail_at_its_position()
    {
        var log = NewLog();
        await RecordAsync(log, 5);

        Assert.True(await Entries.DeleteAsync(Key(2), null, Ct));
        var verification = await log.VerifyAsync(Ct);

        Assert.False(verification.Valid);
        Assert.Equal(2, verification.BrokenAt);
        Assert.Contains("missing", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_replicas_appending_at_once_never_fork_the_chain()
    {
        var first = NewLog();
        var second = NewLog();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? first : second)
            .RecordAsync(Staff($"person-{i}"), "case.read", Guid.NewGuid(), "riverside-general", Ct)));
        var verification = await first.VerifyAsync(Ct);

        Assert.True(verification.Valid, verification.Reason);
        Assert.Equal(40, verification.Entries);
    }

    [Fact]
    public async Task An_entry_says_where_the_request_came_from()
    {
        var request = new DefaultHttpContext();
        request.Request.Headers["X-Forwarded-For"] = "203.0.113.7, 10.0.0.2";
        request.Request.Headers["X-Correlation-Id"] = "corr-42";
        var log = NewLog(request);
        var subject = Guid.NewGuid();

        await log.RecordAsync(Staff("compliance-1", "compliance"), "case.read", subject, "riverside-general", Ct);
        var entry = Assert.Single(await log.ForSubjectAsync(subject, Ct));

        Assert.Equal("203.0.113.7", entry.ClientAddress);
        Assert.Equal("corr-42", entry.CorrelationId);
        Assert.Equal("compliance-1", entry.Actor);
        Assert.Equal(0, entry.At.Ticks % TimeSpan.TicksPerMillisecond);
    }

    private sealed class TestAuditLog(IDocumentStore store, IHttpContextAccessor http, CollectionDefinition collection)
        : PhiAuditLog(store, TimeProvider.System, http, "case", collection);
}

public sealed class SqlitePhiAuditLogTests : PhiAuditLogConformanceTests
{
    protected override ValueTask<IDocumentStore> CreateStoreAsync() =>
        ValueTask.FromResult<IDocumentStore>(new SqliteDocumentStore("audit", null));
}

public sealed class MongoPhiAuditLogTests(MongoFixture mongo) : PhiAuditLogConformanceTests, IClassFixture<MongoFixture>
{
    protected override ValueTask<IDocumentStore> CreateStoreAsync()
    {
        if (mongo.Database is null) Assert.Skip(mongo.SkipReason ?? "MongoDB unavailable");
        return ValueTask.FromResult<IDocumentStore>(new MongoDocumentStore("audit", mongo.Database));
    }
}
