using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Storage.Audit;

/// <summary>
/// A service's append-only, hash-chained log of every access to protected health information, allowed or denied, kept in
/// the service's own store. Each service derives one (<c>IntakeAuditLog</c>, <c>CaseAuditLog</c>, ...) bound to its store
/// and to the kind of record its entries are about. Appends are serialised in the process; replicas sharing a store
/// race for the next position and the loser takes the following one, so the chain never forks.
/// </summary>
public abstract class PhiAuditLog
{
    /// <summary>The collection every service keeps its chain in (the unchained <c>phi_access</c> of earlier versions is left as it was).</summary>
    public static readonly CollectionDefinition Definition = new("phi_audit")
    {
        IndexedFields = ["sequence", "subjectId", "actor", "at", "facilityId"],
    };

    private const int MaxAppendAttempts = 50;
    public const int MaxPageSize = 500;

    private readonly IDocumentCollection<PhiAuditEntry> _log;
    private readonly TimeProvider _clock;
    private readonly IHttpContextAccessor _http;
    private readonly SemaphoreSlim _append = new(1, 1);
    private (long Sequence, string Hash)? _head;

    /// <param name="collection">Where the chain is kept: <see cref="Definition"/> unless a test keeps several apart.</param>
    protected PhiAuditLog(IDocumentStore store, TimeProvider clock, IHttpContextAccessor http, string subjectKind, CollectionDefinition? collection = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _log = store.Collection<PhiAuditEntry>(collection ?? Definition);
        _clock = clock;
        _http = http;
        SubjectKind = subjectKind;
    }

    /// <summary>What this service's entries are about unless a call says otherwise (<c>case</c>, <c>submission</c>, ...).</summary>
    public string SubjectKind { get; }

    /// <summary>Records a granted access, before the data goes out.</summary>
    public Task RecordAsync(ClaimsPrincipal user, string action, Guid subjectId, string facilityId, CancellationToken ct, string? subjectKind = null) =>
        AppendAsync(user, action, AuditOutcome.Allowed, subjectId, facilityId, subjectKind, ct);

    /// <summary>Records a refused access (the caller's scope or role did not cover the record).</summary>
    public Task RecordDeniedAsync(ClaimsPrincipal user, string action, Guid subjectId, string facilityId, CancellationToken ct, string? subjectKind = null) =>
        AppendAsync(user, action, AuditOutcome.Denied, subjectId, facilityId, subjectKind, ct);

    /// <summary>Every recorded access to <paramref name="subjectId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PhiAuditEntry>> ForSubjectAsync(Guid subjectId, CancellationToken ct) =>
        (await _log.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("subjectId", subjectId.ToString())], SortBy = "sequence", PageSize = DocumentQuery.MaxPageSize }, ct))
        .Items.Select(i => i.Document).ToList();

    /// <summary>A page of the chain, oldest first, optionally only the accesses to one record.</summary>
    public Task<Page<Stored<PhiAuditEntry>>> ListAsync(Guid? subjectId, IReadOnlyList<string>? facilities, int page, int pageSize, CancellationToken ct)
    {
        var filters = new List<FieldFilter>();
        if (subjectId is { } s) filters.Add(FieldFilter.Eq("subjectId", s.ToString()));
        if (facilities is not null) filters.Add(FieldFilter.In("facilityId", facilities));
        return _log.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "sequence", PageNumber = page, PageSize = pageSize }, ct);
    }

    /// <summary>
    /// Walks the whole chain: positions without gaps, each entry naming its predecessor's hash, each hash matching the
    /// entry's content. Answers the first entry where that fails. The head (last position and hash) is returned so that it
    /// can be kept elsewhere: removing entries from the end of a chain can only be noticed against such a copy.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        long expected = 1, count = 0;
        var previous = AuditChain.Genesis;
        while (true)
        {
            var page = await _log.QueryAsync(new DocumentQuery
            {
                Filters = [FieldFilter.Gte("sequence", expected)], SortBy = "sequence", PageSize = DocumentQuery.MaxPageSize,
            }, ct);
            if (page.Items.Count == 0) break;
            foreach (var stored in page.Items)
            {
                var e = stored.Document;
                if (e.Sequence != expected) return Broken(count, expected, "the entry at this position is missing");
                if (stored.Id != Key(e.Sequence)) return Broken(count, expected, "the entry was moved from another position");
                if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal)) return Broken(count, expected, "the entry does not follow the one before it");
                if (!string.Equals(AuditChain.HashOf(e), e.Hash, StringComparison.Ordinal)) return Broken(count, expected, "the entry was changed after it was written");
                previous = e.Hash;
                expected++;
                count++;
            }
        }

        return new AuditVerification(true, count, count == 0 ? null : count, count == 0 ? null : previous, null, null);
    }

    private static AuditVerification Broken(long verified, long at, string reason) => new(false, verified, null, null, at, reason);

    private async Task AppendAsync(ClaimsPrincipal user, string action, AuditOutcome outcome, Guid subjectId, string facilityId, string? subjectKind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = _clock.GetUtcNow();
        var context = _http.HttpContext;
        var draft = new PhiAuditEntry
        {
            Sequence = 0,
            Id = Guid.CreateVersion7(now),
            At = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero),
            Actor = user.PersonId() ?? "unknown",
            Roles = user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(),
            Action = action,
            Outcome = outcome,
            SubjectKind = subjectKind ?? SubjectKind,
            SubjectId = subjectId,
            FacilityId = facilityId,
            ClientAddress = ClientAddress(context),
            CorrelationId = CorrelationId(context),
            PreviousHash = "",
            Hash = "",
        };

        await _append.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var head = _head ??= await ReadHeadAsync(ct);
                var entry = draft with { Sequence = head.Sequence + 1, PreviousHash = head.Hash };
                entry = entry with { Hash = AuditChain.HashOf(entry) };
                try
                {
                    await _log.InsertAsync(Key(entry.Sequence), entry, [], ct);
                    _head = (entry.Sequence, entry.Hash);
                    return;
                }
                catch (DuplicateDocumentException) when (attempt < MaxAppendAttempts)
                {
                    _head = null; // another replica took this position: read the new head and follow it
                }
            }
        }
        finally
        {
            _append.Release();
        }
    }

    private async Task<(long, string)> ReadHeadAsync(CancellationToken ct)
    {
        var last = await _log.QueryAsync(new DocumentQuery { SortBy = "sequence", Descending = true, PageSize = 1 }, ct);
        return last.Items.Count == 0 ? (0, AuditChain.Genesis) : (last.Items[0].Document.Sequence, last.Items[0].Document.Hash);
    }

    /// <summary>Document ids are the zero-padded position, so that two writers cannot both take one.</summary>
    private static string Key(long sequence) => sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static string? ClientAddress(HttpContext? context)
    {
        if (context is null) return null;
        // Behind the gateway the connection comes from the gateway; the address it forwards is the caller's.
        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        var first = forwarded.Split(',', 2)[0].Trim();
        return first.Length is > 0 and <= 64 ? first : context.Connection.RemoteIpAddress?.ToString();
    }

    private static string? CorrelationId(HttpContext? context)
    {
        var given = context?.Request.Headers["X-Correlation-Id"].ToString();
        return !string.IsNullOrEmpty(given) && given.Length <= 128 ? given : Activity.Current?.TraceId.ToString();
    }
}

public static class PhiAuditLogExtensions
{
    /// <summary>Registers a service's audit log (a <see cref="PhiAuditLog"/> bound to the service's keyed store).</summary>
    public static IServiceCollection AddPhiAuditLog<TLog>(this IServiceCollection services) where TLog : PhiAuditLog
    {
        services.AddHttpContextAccessor();
        return services.AddSingleton<TLog>();
    }
}
