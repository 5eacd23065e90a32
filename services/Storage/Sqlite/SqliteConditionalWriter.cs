using Microsoft.Data.Sqlite;

namespace PatientExperience.Storage.Sqlite;

/// <summary>
/// The two statements of a conditional write into one table, prepared once per transaction and run for every document:
/// OR IGNORE refuses an insert whose id or unique value is taken without failing the transaction, and a replace matches
/// only the version it expects.
/// </summary>
internal sealed class SqliteConditionalWriter : IAsyncDisposable
{
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _insertId;
    private readonly SqliteParameter _insertData;
    private readonly SqliteCommand _update;
    private readonly SqliteParameter _updateId;
    private readonly SqliteParameter _updateData;
    private readonly SqliteParameter _updateVersion;

    public SqliteConditionalWriter(SqliteConnection connection, SqliteTransaction tx, string collection, string now)
    {
        var table = $"\"{collection}\"";
        _insert = connection.CreateCommand();
        _insert.Transaction = tx;
        _insert.CommandText = $"INSERT OR IGNORE INTO {table}(id, version, data, updated_at) VALUES ($id, 1, $data, $now)";
        _insertId = _insert.Parameters.Add("$id", SqliteType.Text);
        _insertData = _insert.Parameters.Add("$data", SqliteType.Text);
        _insert.Parameters.AddWithValue("$now", now);
        _update = connection.CreateCommand();
        _update.Transaction = tx;
        _update.CommandText = $"UPDATE OR IGNORE {table} SET version = version + 1, data = $data, updated_at = $now WHERE id = $id AND version = $version";
        _updateId = _update.Parameters.Add("$id", SqliteType.Text);
        _updateData = _update.Parameters.Add("$data", SqliteType.Text);
        _updateVersion = _update.Parameters.Add("$version", SqliteType.Integer);
        _update.Parameters.AddWithValue("$now", now);
    }

    /// <summary>Inserts (no expected version) or replaces the document; returns the version written, or null when refused.</summary>
    public async Task<long?> WriteAsync(string id, string json, long? expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion is not { } expected)
        {
            _insertId.Value = id;
            _insertData.Value = json;
            return await _insert.ExecuteNonQueryAsync(cancellationToken) == 1 ? 1 : null;
        }

        _updateId.Value = id;
        _updateData.Value = json;
        _updateVersion.Value = expected;
        return await _update.ExecuteNonQueryAsync(cancellationToken) == 1 ? expected + 1 : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _update.DisposeAsync();
    }
}
