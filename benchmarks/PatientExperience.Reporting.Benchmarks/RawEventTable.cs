using System.Text.Json;
using Microsoft.Data.Sqlite;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Benchmarks;

/// <summary>The KPIs the naive way computes (a subset of the read model's, enough to compare both).</summary>
public sealed record NaiveKpis(long Feedback, long CasesOpened, long Acknowledged, long Resolved, long Discharges, long EscalatedToDepartment,
    double? AcknowledgedOnTime, long? TimeToAcknowledgeP50, double? Nps);

/// <summary>
/// Every generated event as a row (facility, instant, type, JSON) in a SQLite file of its own, indexed by facility and
/// instant: what a system without read models would keep. <see cref="AggregateAsync"/> is the naive KPI query: read the
/// facility's events up to the end of the period, deserialize them, and compute the KPIs in memory.
/// </summary>
public sealed class RawEventTable : IDisposable
{
    private static readonly JsonSerializerOptions Json = StoreJson.Options;
    private readonly SqliteConnection _connection;

    public RawEventTable(string path)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute("CREATE TABLE IF NOT EXISTS raw_events (facility TEXT NOT NULL, at TEXT NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL);");
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Load(IReadOnlyList<RawEvent> events)
    {
        for (var start = 0; start < events.Count; start += 10_000)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO raw_events (facility, at, type, json) VALUES ($f, $a, $t, $j)";
            var f = command.Parameters.Add("$f", SqliteType.Text);
            var a = command.Parameters.Add("$a", SqliteType.Text);
            var t = command.Parameters.Add("$t", SqliteType.Text);
            var j = command.Parameters.Add("$j", SqliteType.Text);
            foreach (var e in events.Skip(start).Take(10_000))
            {
                f.Value = e.FacilityId;
                a.Value = e.At.UtcDateTime.ToString("O");
                t.Value = e.Message.GetType().Name;
                j.Value = JsonSerializer.Serialize(e.Message, e.Message.GetType(), Json);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        Execute("CREATE INDEX IF NOT EXISTS raw_events_facility_at ON raw_events (facility, at);");
    }

    public NaiveKpis Aggregate(string facilityId, DateOnly from, DateOnly to)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        bool In(DateTimeOffset t) => t >= start && t < end;
        var opened = new Dictionary<Guid, DateTimeOffset>();
        var firstAck = new Dictionary<Guid, DateTimeOffset>();
        var breachedAck = new HashSet<Guid>();
        var resolved = new HashSet<Guid>();
        long feedback = 0, casesOpened = 0, discharges = 0, escalated = 0, promoters = 0, detractors = 0, answers = 0;
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT type, json FROM raw_events WHERE facility = $f AND at < $e";
        command.Parameters.AddWithValue("$f", facilityId);
        command.Parameters.AddWithValue("$e", end.UtcDateTime.ToString("O"));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var json = reader.GetString(1);
            switch (reader.GetString(0))
            {
                case nameof(FeedbackSubmitted):
                    if (In(JsonSerializer.Deserialize<FeedbackSubmitted>(json, Json)!.SubmittedAt)) feedback++;
                    break;
                case nameof(CaseOpened):
                    var o = JsonSerializer.Deserialize<CaseOpened>(json, Json)!;
                    opened[o.CaseId] = o.OpenedAt;
                    if (In(o.OpenedAt)) casesOpened++;
                    break;
                case nameof(CaseAcknowledged):
                    var a = JsonSerializer.Deserialize<CaseAcknowledged>(json, Json)!;
                    if (!firstAck.TryGetValue(a.CaseId, out var seen) || a.AcknowledgedAt < seen) firstAck[a.CaseId] = a.AcknowledgedAt;
                    break;
                case nameof(SlaBreached):
                    var b = JsonSerializer.Deserialize<SlaBreached>(json, Json)!;
                    if (b.Deadline == DeadlineKind.Acknowledge) breachedAck.Add(b.CaseId);
                    break;
                case nameof(CaseEscalated):
                    var x = JsonSerializer.Deserialize<CaseEscalated>(json, Json)!;
                    if (x.ToLevel == EscalationLevel.Department && In(x.EscalatedAt)) escalated++;
                    break;
                case nameof(CaseResolved):
                    var r = JsonSerializer.Deserialize<CaseResolved>(json, Json)!;
                    if (In(r.ResolvedAt)) resolved.Add(r.CaseId);
                    break;
                case nameof(PatientDischarged):
                    if (In(JsonSerializer.Deserialize<PatientDischarged>(json, Json)!.DischargedAt)) discharges++;
                    break;
                case nameof(SurveyResponseReceived):
                    var s = JsonSerializer.Deserialize<SurveyResponseReceived>(json, Json)!;
                    if (In(s.RespondedAt) && s.Nps is { } nps)
                    {
                        answers++;
                        if (nps >= 9) promoters++;
                        else if (nps <= 6) detractors++;
                    }

                    break;
            }
        }

        var acks = firstAck.Where(p => In(p.Value) && opened.ContainsKey(p.Key)).ToList();
        var onTime = acks.Count(p => !breachedAck.Contains(p.Key));
        var durations = acks.Select(p => (long)(p.Value - opened[p.Key]).TotalSeconds).Order().ToList();
        return new NaiveKpis(feedback, casesOpened, acks.Count, resolved.Count, discharges, escalated,
            acks.Count == 0 ? null : (double)onTime / acks.Count,
            durations.Count == 0 ? null : durations[(int)Math.Ceiling(0.5 * durations.Count) - 1],
            answers == 0 ? null : Math.Round(100.0 * (promoters - detractors) / answers, 1));
    }

    public void Dispose() => _connection.Dispose();
}
