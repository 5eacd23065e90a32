using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace PatientExperience.Reporting.Projections;

/// <summary>
/// Gathers the events that consumers hand in at the same moment and projects them together
/// (<see cref="ReportingStore.ProjectBatchAsync"/>), one batch at a time per writer: each consumer's call returns once its
/// event's batch is written, so a message is acknowledged only after its projection is stored, and a crash loses nothing (the
/// broker redelivers; projecting again changes nothing). A batch that fails is projected again event by event, so one
/// failing event cannot fail the others with it. Events are spread over <see cref="ReportingOptions.IngestWriters"/> writers
/// by facility, so writers work side by side on documents that never collide (a facility's days and months are its own);
/// an event about a subject another facility's writer also touches (a case moved between facilities) is still safe, as for
/// replicas: every write is checked against the version read.
/// </summary>
public sealed class ProjectionBatcher : IAsyncDisposable
{
    private readonly ReportingStore _store;
    private readonly int _maxBatch;
    private readonly Channel<(ReportingStore.PendingProjection Projection, TaskCompletionSource<bool> Done)>[] _pending;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<Task>[] _writers;

    public ProjectionBatcher(ReportingStore store, IOptions<ReportingOptions> options)
    {
        _store = store;
        _maxBatch = options.Value.IngestMaxBatch;
        _pending = [.. Enumerable.Range(0, options.Value.IngestWriters).Select(_ =>
            Channel.CreateUnbounded<(ReportingStore.PendingProjection, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true }))];
        _writers = [.. _pending.Select(channel => new Lazy<Task>(() => Task.Run(() => WriteAsync(channel.Reader)), LazyThreadSafetyMode.ExecutionAndPublication))];
    }

    /// <summary>Projects one event (see <see cref="ReportingStore.ProjectAsync{TFact}"/>) in the next batch of its facility's writer.</summary>
    /// <returns>Whether the subject's fact changed.</returns>
    public Task<bool> ProjectAsync<TFact>(FactCollection<TFact> kind, string facilityId, string id, Func<TFact?, TFact> merge, CancellationToken ct) where TFact : ReportFact
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = (int)((uint)StringComparer.Ordinal.GetHashCode(facilityId) % (uint)_pending.Length);
        if (!_pending[writer].Writer.TryWrite((new ReportingStore.PendingProjection<TFact>(kind, id, merge), done)))
            throw new ObjectDisposedException(nameof(ProjectionBatcher));
        _ = _writers[writer].Value;
        return done.Task.WaitAsync(ct);
    }

    private async Task WriteAsync(ChannelReader<(ReportingStore.PendingProjection Projection, TaskCompletionSource<bool> Done)> reader)
    {
        var batch = new List<(ReportingStore.PendingProjection Projection, TaskCompletionSource<bool> Done)>(_maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var item)) batch.Add(item);
                ReportingTelemetry.BatchSize.Record(batch.Count);
                try
                {
                    await _store.ProjectBatchAsync([.. batch.Select(b => b.Projection)], _stopping.Token);
                    foreach (var (projection, done) in batch) done.TrySetResult(projection.Changed);
                }
                catch (Exception) when (!_stopping.IsCancellationRequested && batch.Count > 1)
                {
                    foreach (var (projection, done) in batch) await AloneAsync(projection, done);
                }
                catch (Exception e)
                {
                    foreach (var (_, done) in batch) done.TrySetException(e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            while (reader.TryRead(out var left)) left.Done.TrySetCanceled();
            foreach (var (_, done) in batch) done.TrySetCanceled();
        }
    }

    private async Task AloneAsync(ReportingStore.PendingProjection projection, TaskCompletionSource<bool> done)
    {
        try
        {
            await _store.ProjectBatchAsync([projection], _stopping.Token);
            done.TrySetResult(projection.Changed);
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _pending) channel.Writer.TryComplete();
        await _stopping.CancelAsync();
        foreach (var writer in _writers)
        {
            if (writer.IsValueCreated) await writer.Value.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }
}
