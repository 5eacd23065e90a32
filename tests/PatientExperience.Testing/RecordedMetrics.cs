using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PatientExperience.Testing;

/// <summary>One measurement of an instrument, with its tags.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>
/// Listens to the platform's instruments as an exporter would: counters and histograms as they record, observable gauges when
/// <see cref="Observe"/> collects them. Tests run in parallel and the platform's counters are process-wide, so filter on a tag that
/// is the test's own (a queue, a facility or a case id), or on the meter's scope (<paramref name="scope"/>: a host's
/// <see cref="IMeterFactory"/>, for meters created through it).
/// </summary>
public sealed class RecordedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _recorded = new();

    public RecordedMetrics(params string[] instruments) : this(null, instruments)
    {
    }

    public RecordedMetrics(object? scope, params string[] instruments) : this(scope, instruments.ToHashSet(StringComparer.Ordinal).Contains)
    {
    }

    private RecordedMetrics(object? scope, Func<string, bool> listens)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (listens(instrument.Name) && (scope is null || ReferenceEquals(instrument.Meter.Scope, scope)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Every instrument of every meter in the process (the PHI canary reads every attribute value).</summary>
    public static RecordedMetrics Everything() => new(null, _ => true);

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        _recorded.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }

    /// <summary>Every measurement of counters and histograms so far (and of gauges, from each <see cref="Observe"/>).</summary>
    public IReadOnlyList<RecordedMeasurement> All => [.. _recorded];

    /// <summary>The measurements of one instrument whose tags include every one given.</summary>
    public IReadOnlyList<RecordedMeasurement> Of(string instrument, params (string Key, string Value)[] tags) =>
        [.. _recorded.Where(m => m.Instrument == instrument && tags.All(t => m.Tag(t.Key) == t.Value))];

    /// <summary>The sum of a counter's measurements with those tags.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) => Of(instrument, tags).Sum(m => m.Value);

    /// <summary>Collects the observable instruments now and returns what they reported this time (a gauge's current values).</summary>
    public IReadOnlyList<RecordedMeasurement> Observe(string instrument, params (string Key, string Value)[] tags)
    {
        var before = _recorded.Count;
        _listener.RecordObservableInstruments();
        return [.. _recorded.Skip(before).Where(m => m.Instrument == instrument && tags.All(t => m.Tag(t.Key) == t.Value))];
    }

    public void Dispose() => _listener.Dispose();
}
