using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PatientExperience.Testing;

namespace PatientExperience.Integration.Tests.Canary;

/// <summary>
/// Unique values to put into every field that holds patient details or free text, and the places to look for them
/// afterwards. Each marker is new per run (a GUID), so finding one can only mean it travelled from a request into telemetry.
/// </summary>
public sealed class PhiMarkers
{
    private readonly Dictionary<string, string> _markers = new(StringComparer.Ordinal);

    /// <summary>A marker for a free-text field: <c>canary-&lt;field&gt;-&lt;guid&gt;</c>.</summary>
    public string Text(string field) => Add(field, $"canary-{field}-{Guid.NewGuid():N}");

    /// <summary>A marker that passes as a person's name: letters only (the GUID's digits turned into letters).</summary>
    public string Name(string field) => Add(field, "Canary " + Letters(Guid.NewGuid()));

    /// <summary>A marker e-mail address (the local part is unique).</summary>
    public string Email(string field) => Add(field, $"canary{Guid.NewGuid():N}@example.org");

    /// <summary>A marker telephone number: ten unique digits after +1 (found with or without its punctuation).</summary>
    public string Phone(string field)
    {
        var digits = string.Concat(Guid.NewGuid().ToByteArray().Take(10).Select(b => (char)('0' + b % 10)));
        return Add(field, "+1" + digits);
    }

    /// <summary>A marker medical record number.</summary>
    public string Mrn(string field) => Add(field, "MRN" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant());

    public IReadOnlyDictionary<string, string> All => _markers;

    private string Add(string field, string marker)
    {
        _markers.Add(field, marker);
        return marker;
    }

    private static string Letters(Guid id) => string.Concat(id.ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));

    /// <summary>The markers found in <paramref name="text"/> (case-insensitive; a phone number also by its digits alone).</summary>
    public IEnumerable<string> FoundIn(string text)
    {
        foreach (var (field, marker) in _markers)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase)) yield return field;
            else if (marker.StartsWith('+') && text.Contains(marker[2..], StringComparison.Ordinal)) yield return field;
            else if (marker.StartsWith("Canary ", StringComparison.Ordinal) && text.Contains(marker["Canary ".Length..], StringComparison.OrdinalIgnoreCase)) yield return field;
        }
    }
}

/// <summary>
/// Every log record of a process, at every level and category: its category, formatted message, exception (with its
/// message, as an exporter would write it), structured state values and scope values.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _records = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Records => [.. _records];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string> { $"{logLevel} {category}: {formatter(state, exception)}" };
            if (state is IEnumerable<KeyValuePair<string, object?>> values) parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            if (exception is not null) parts.Add(exception.ToString());
            owner._scopes.ForEachScope((scope, list) =>
            {
                list.Add($"scope: {scope}");
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
            }, parts);
            owner._records.Enqueue(string.Join(" | ", parts));
        }
    }
}

/// <summary>Every activity of every source in the process, as an exporter would see it when it stops.</summary>
public sealed class CapturedActivities : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _activities = new();

    public CapturedActivities()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _activities.Enqueue(Describe(a)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<string> Activities => [.. _activities];

    private static string Describe(Activity a) => string.Join(" | ", new[] { a.Source.Name, a.DisplayName, a.OperationName, a.StatusDescription ?? "" }
        .Concat(a.TagObjects.Select(t => $"{t.Key}={t.Value}"))
        .Concat(a.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}").Prepend(e.Name)))
        .Concat(a.Links.SelectMany(l => l.Tags?.Select(t => $"link:{t.Key}={t.Value}") ?? []))
        .Concat(a.Baggage.Select(b => $"baggage:{b.Key}={b.Value}")));

    public void Dispose() => _listener.Dispose();
}

/// <summary>Keeps the status, request and body of every answer of 400 or above that a test's clients receive.</summary>
public sealed class ErrorAnswers : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _answers = new();

    public ErrorAnswers() : base(new HttpClientHandler())
    {
    }

    public IReadOnlyList<string> All => [.. _answers];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 400)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var headers = string.Join(" ", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            _answers.Enqueue($"{(int)response.StatusCode} {request.Method} {request.RequestUri?.AbsolutePath} | {headers} | {body}");
        }

        return response;
    }
}

/// <summary>Where the canary looks, and what it reports when a marker turns up: which field's marker, where, and the record.</summary>
public static class CanaryAssert
{
    public static void NoMarkerIn(PhiMarkers markers, string where, IEnumerable<string> records)
    {
        var found = records.SelectMany(r => markers.FoundIn(r).Select(field => (field, r))).Take(5).ToList();
        Assert.True(found.Count == 0, $"PHI markers found in {where}:\n" + string.Join("\n", found.Select(f => $"  [{f.field}] {Clip(f.r)}")));
    }

    private static string Clip(string record) => record.Length <= 1500 ? record : record[..1500] + " ...";
}
