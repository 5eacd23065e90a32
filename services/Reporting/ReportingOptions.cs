using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Reporting;

/// <summary>Bound from <c>Reporting</c>; validated at start-up.</summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>Cells of an export (CSV) counting fewer cases or responses than this are suppressed (shown empty). 5 by default.</summary>
    [Range(1, 100)]
    public int SmallCellThreshold { get; set; } = 5;

    /// <summary>Survey results from fewer responses than this are flagged <c>smallSample</c>. 30 by default.</summary>
    [Range(1, 1000)]
    public int SmallSampleResponses { get; set; } = 30;

    /// <summary>The longest period one query may cover, in days (a query reads one row per unit and day).</summary>
    [Range(1, 3660)]
    public int MaxPeriodDays { get; set; } = 1100;

    /// <summary>
    /// Messages of <c>reporting-events</c> the consumer handles at once (and fetched ahead twice over): the events handed in
    /// together form the batches the projection writes. 1,000 by default: measured, bigger batches ingest faster
    /// (docs/benchmarks.md, "Bigger batches pay now").
    /// </summary>
    [Range(1, 1000)]
    public int IngestConcurrentMessages { get; set; } = 1000;

    /// <summary>The most events one projection batch writes. 1,000 by default.</summary>
    [Range(1, 5000)]
    public int IngestMaxBatch { get; set; } = 1000;

    /// <summary>
    /// How many projection writers work side by side, each on the events of its share of the facilities. 2 by default (one
    /// per core of the reference machine); 1 writes every batch in turn.
    /// </summary>
    [Range(1, 16)]
    public int IngestWriters { get; set; } = 2;
}
