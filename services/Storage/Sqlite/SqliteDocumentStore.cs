using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PatientExperience.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file per service (WAL, synchronous=NORMAL), or a shared in-memory database in unit tests.
/// Each collection is a table of (id, version, data JSON); indexed fields are expression indexes on <c>json_extract</c>.
/// The outbox is a table written in the same transaction as the document.
/// </summary>
public sealed class SqliteDocumentStore : IDocumentStore, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection? _keepAlive;
    private readonly ConcurrentDictionary<string, CollectionDefinition> _collections = new(StringComparer.Ordinal);
    /// <summary>Serialises the writes. Never disposed: a write still queued when the store is disposed must get it and fail, not wait for ever.</summary>
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile bool _disposed;
    private readonly SqliteOutbox _outbox;
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> ConfiguredConnections = new();
    private static readonly object Configured = new();
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("PatientExperience");
    private static readonly System.Diagnostics.Metrics.Counter<long> Writes = Meter.CreateCounter<long>(
        "pxp.store.writes", description: "Write transactions committed to a service's SQLite store (each one serialised with the store's other writes).");
    private readonly KeyValuePair<string, object?> _serviceTag;

    private readonly int _walCheckpointPages;

    /// <param name="name">The owning service, used in messages.</param>
    /// <param name="path">A file path, or null for a private in-memory database that lives as long as this object.</param>
    /// <param name="walCheckpointPages">See <see cref="StorageOptions.SqliteWalCheckpointPages"/>.</param>
    public SqliteDocumentStore(string name, string? path, int walCheckpointPages = StorageOptions.DefaultSqliteWalCheckpointPages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(walCheckpointPages, 1);
        Name = name;
        _walCheckpointPages = walCheckpointPages;
        if (path is null)
        {
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = $"pxp-{name}-{Guid.NewGuid():N}",
                Mode = SqliteOpenMode.Memory,
                Cache = SqliteCacheMode.Shared,
            }.ToString();
            _keepAlive = new SqliteConnection(_connectionString);
            _keepAlive.Open();
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString();
        }

        _outbox = new SqliteOutbox(this);
        _serviceTag = new KeyValuePair<string, object?>("pxp.service", name);
    }

    public string Name { get; }

    public IOutbox Outbox => _outbox;

    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    internal void RaiseOutboxAdded() => _outbox.RaiseAdded();

    public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class
    {
        SqlNames.EnsureSafe(definition.Name);
        foreach (var field in definition.AllFields) SqlNames.EnsureSafeField(field);
        definition.EnsureCompoundIndexesValid();
        _collections.TryAdd(definition.Name, definition);
        return new SqliteDocumentCollection<T>(this, definition);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = _keepAlive is null ? "PRAGMA journal_mode=WAL;" : "SELECT 1;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        var ddl = new List<string>
        {
            """
            CREATE TABLE IF NOT EXISTS "__outbox" (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              id TEXT NOT NULL UNIQUE,
              collection TEXT NOT NULL,
              document_id TEXT NOT NULL,
              message_type TEXT NOT NULL,
              payload TEXT NOT NULL,
              headers TEXT NOT NULL,
              created_at TEXT NOT NULL,
              lease_until TEXT NULL)
            """,
            // A document's messages go out in order: a claim looks for an earlier, still leased message of the same document.
            """CREATE INDEX IF NOT EXISTS "ix___outbox_document" ON "__outbox"(collection, document_id, seq)""",
            """
            CREATE TABLE IF NOT EXISTS "__outbox_dead_letters" (
              id TEXT PRIMARY KEY,
              collection TEXT NOT NULL,
              document_id TEXT NOT NULL,
              message_type TEXT NOT NULL,
              payload TEXT NOT NULL,
              headers TEXT NOT NULL,
              created_at TEXT NOT NULL,
              reason TEXT NOT NULL,
              dead_lettered_at TEXT NOT NULL)
            """,
        };
        foreach (var c in _collections.Values)
        {
            ddl.Add($"""CREATE TABLE IF NOT EXISTS "{c.Name}" (id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL)""");
            foreach (var f in c.UniqueFields)
                ddl.Add($"""CREATE UNIQUE INDEX IF NOT EXISTS "ux_{c.Name}_{SqlNames.IndexSuffix(f)}" ON "{c.Name}"(json_extract(data, '$.{f}'))""");
            foreach (var f in c.IndexedFields.Except(c.UniqueFields).Except(c.CompoundLeaders))
                ddl.Add($"""CREATE INDEX IF NOT EXISTS "ix_{c.Name}_{SqlNames.IndexSuffix(f)}" ON "{c.Name}"(json_extract(data, '$.{f}'))""");
            // A field that leads a compound index is served by it: its own index would only cost writes (and is dropped if an
            // earlier version created it).
            foreach (var f in c.CompoundLeaders.Except(c.UniqueFields))
                ddl.Add($"""DROP INDEX IF EXISTS "ix_{c.Name}_{SqlNames.IndexSuffix(f)}" """);
            foreach (var fields in c.CompoundIndexes)
                ddl.Add($"""CREATE INDEX IF NOT EXISTS "cx_{c.Name}_{SqlNames.CompoundSuffix(fields)}" ON "{c.Name}"({string.Join(", ", fields.Select(f => $"json_extract(data, '$.{f}')"))})""");
        }

        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var statement in ddl)
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = statement;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM \"__outbox\"";
        await cmd.ExecuteScalarAsync(cancellationToken);
        return true;
    }

    public async Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken)
    {
        DocumentWrites.EnsureDistinct(writes);
        if (writes.Count == 0) return true;
        foreach (var collection in writes.Select(w => w.Collection.Name).Distinct(StringComparer.Ordinal)) SqlNames.EnsureSafe(collection);
        var json = writes.Select(w => JsonSerializer.Serialize(w.Document, StoreJson.Options)).ToArray();
        var now = SqlNames.Timestamp(DateTimeOffset.UtcNow);
        try
        {
            return await WriteAsync(async (connection, tx) =>
            {
                var writers = new Dictionary<string, SqliteConditionalWriter>(StringComparer.Ordinal);
                try
                {
                    for (var i = 0; i < writes.Count; i++)
                    {
                        var name = writes[i].Collection.Name;
                        if (!writers.TryGetValue(name, out var writer)) writers[name] = writer = new SqliteConditionalWriter(connection, tx, name, now);
                        // A refused write throws, so the transaction is rolled back, not committed.
                        if (await writer.WriteAsync(writes[i].Id, json[i], writes[i].ExpectedVersion, cancellationToken) is null) throw new WriteRefusedException();
                    }
                }
                finally
                {
                    foreach (var writer in writers.Values) await writer.DisposeAsync();
                }

                return true;
            }, addsOutbox: false, cancellationToken);
        }
        catch (WriteRefusedException)
        {
            return false;
        }
    }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per-connection settings, applied once per pooled native connection rather than on every open (measurably cheaper).
        var handle = connection.Handle!;
        if (!ConfiguredConnections.TryGetValue(handle, out _))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint={_walCheckpointPages};";
            await cmd.ExecuteNonQueryAsync(cancellationToken);
            ConfiguredConnections.AddOrUpdate(handle, Configured);
        }

        return connection;
    }

    /// <summary>
    /// Runs a write in one transaction. Writers are serialised in-process: SQLite allows one writer at a time anyway,
    /// and queuing here avoids busy retries. A write queued when the store is disposed fails with
    /// <see cref="ObjectDisposedException"/> when its turn comes.
    /// </summary>
    internal async Task<TResult> WriteAsync<TResult>(Func<SqliteConnection, SqliteTransaction, Task<TResult>> work, bool addsOutbox, CancellationToken cancellationToken)
    {
        TResult result;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            result = await work(connection, tx);
            await tx.CommitAsync(cancellationToken);
            Writes.Add(1, _serviceTag);
        }
        finally
        {
            _writeLock.Release();
        }

        if (addsOutbox) _outbox.RaiseAdded();
        return result;
    }

    internal static async Task InsertOutboxAsync(SqliteConnection connection, SqliteTransaction tx, string collection, string documentId, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
    {
        foreach (var m in outbox)
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO "__outbox"(id, collection, document_id, message_type, payload, headers, created_at)
                VALUES ($id, $collection, $doc, $type, $payload, $headers, $created)
                """;
            cmd.Parameters.AddWithValue("$id", m.Id.ToString());
            cmd.Parameters.AddWithValue("$collection", collection);
            cmd.Parameters.AddWithValue("$doc", documentId);
            cmd.Parameters.AddWithValue("$type", m.MessageType);
            cmd.Parameters.AddWithValue("$payload", m.Payload);
            cmd.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(m.Headers, StoreJson.Options));
            cmd.Parameters.AddWithValue("$created", SqlNames.Timestamp(m.CreatedAt));
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Closes the store. Reads and writes after this fail with <see cref="ObjectDisposedException"/>, including writes already
    /// queued behind the one in progress. Disposing the write lock instead (as before) orphaned them: a host disposed while its
    /// bus was still stopping (the web test host's entry point disposes it on the stop signal) left consumers waiting for a
    /// lock no one would release, and the bus's stop waiting for them for ever.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _keepAlive?.Dispose();
    }
}

internal static class SqlNames
{
    public static void EnsureSafe(string name)
    {
        if (name.Length == 0 || name.StartsWith("__", StringComparison.Ordinal) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"Collection name '{name}' must be letters, digits and underscores.");
    }

    public static void EnsureSafeField(string field)
    {
        if (field.Length == 0 || !field.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_'))
            throw new ArgumentException($"Field '{field}' must be letters, digits, dots and underscores.");
    }

    public static string IndexSuffix(string field) => field.Replace('.', '_');

    public static string CompoundSuffix(IEnumerable<string> fields) => string.Join("__", fields.Select(IndexSuffix));

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
