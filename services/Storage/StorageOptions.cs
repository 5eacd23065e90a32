using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Storage;

/// <summary>Bound from <c>Storage</c>. MongoDB is used when <c>ConnectionStrings:mongo</c> is set; otherwise SQLite.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Where the SQLite files live, one per service (<c>intake.db</c>, <c>case.db</c>). Relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Private in-memory SQLite databases that vanish with the process (tests only).</summary>
    public bool InMemory { get; set; }

    public const string SqliteProvider = "Sqlite";
    public const string MongoProvider = "Mongo";

    /// <summary>
    /// <c>Mongo</c> (needs <c>ConnectionStrings:mongo</c>) or <c>Sqlite</c> (the embedded store: one file per service in
    /// <see cref="DataDirectory"/>). Unset: MongoDB when the connection string is set; otherwise SQLite only in the Development and
    /// Testing environments (or with <see cref="InMemory"/>), and elsewhere the service refuses to start.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>Prefix of MongoDB database names: <c>{prefix}-{service}</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,40}$")]
    public string MongoDatabasePrefix { get; set; } = "pxp";

    [Range(1, 300)]
    public int MongoServerSelectionTimeoutSeconds { get; set; } = 10;

    public const int DefaultSqliteWalCheckpointPages = 16384;

    /// <summary>
    /// SQLite: how many pages (4 KiB) the write-ahead log may hold before the write that passes it copies them into the
    /// database file (<c>PRAGMA wal_autocheckpoint</c>). SQLite's own default, 1,000 pages, made the busiest writers (the
    /// reporting projections) checkpoint dozens of times a second, rewriting the same hot pages each time inside their write
    /// transaction; 16,384 (64 MiB of log per store) took the reporting ingest from 5,538 to 7,040 events a second
    /// (docs/benchmarks.md). The log file stays at about that size between checkpoints.
    /// </summary>
    [Range(100, 262144)]
    public int SqliteWalCheckpointPages { get; set; } = DefaultSqliteWalCheckpointPages;
}
