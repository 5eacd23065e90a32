using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Feedback;

/// <summary>
/// The port intake keeps submissions through. The submission and its event (FeedbackSubmitted, or ComplimentReceived for a
/// compliment, which opens no case) are one atomic write.
/// </summary>
public sealed class SubmissionStore([FromKeyedServices(IntakeModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("submissions")
    {
        UniqueFields = ["idempotencyKey"],
        IndexedFields = ["facilityId", "submittedAt", "status"],
    };

    private readonly IDocumentCollection<Submission> _submissions = store.Collection<Submission>(Definition);

    public Task<Stored<Submission>?> GetAsync(Guid id, CancellationToken ct) => _submissions.GetAsync(id.ToString(), ct);

    public Task<Stored<Submission>?> FindByIdempotencyKeyAsync(string key, CancellationToken ct) => _submissions.FindOneAsync("idempotencyKey", key, ct);

    /// <exception cref="DuplicateDocumentException">The idempotency key was taken by a concurrent request.</exception>
    public Task<Stored<Submission>> AddAsync(Submission submission, CancellationToken ct) =>
        _submissions.InsertAsync(submission.Id.ToString(), submission,
            [submission.IsCompliment ? OutboxMessages.Create(submission.ToComplimentEvent(), submission.SubmittedAt) : OutboxMessages.Create(submission.ToEvent(), submission.SubmittedAt)], ct);

    public Task<Stored<Submission>> UpdateAsync(Stored<Submission> stored, CancellationToken ct) =>
        _submissions.ReplaceAsync(stored.Id, stored.Document, stored.Version, [], ct);

    /// <summary>Submissions still waiting for their case (status received), oldest first, a page at a time.</summary>
    public async Task<IReadOnlyList<Stored<Submission>>> AwaitingCaseAsync(int page, int pageSize, CancellationToken ct) =>
        (await _submissions.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("status", Submission.Received)], SortBy = "submittedAt", PageNumber = page, PageSize = pageSize,
        }, ct)).Items;

    /// <summary>Writes the submission's FeedbackSubmitted to the outbox again (the case service opens one case per submission however often it arrives).</summary>
    /// <exception cref="ConcurrencyConflictException">The submission changed since it was read (its case was linked meanwhile).</exception>
    public Task<Stored<Submission>> RepublishAsync(Stored<Submission> stored, DateTimeOffset now, CancellationToken ct) =>
        _submissions.ReplaceAsync(stored.Id, stored.Document, stored.Version, [OutboxMessages.Create(stored.Document.ToEvent(), now)], ct);
}
