namespace PatientExperience.Notification.Channels;

/// <summary>
/// A channel with no server or provider outside Development. It never pretends to deliver: every attempt fails permanently
/// with <c>channel-not-configured</c>, so high and critical messages fall back to the next channel at once, and the
/// attempts metric (<c>pxp.notification.attempts</c> with transport <c>not-configured</c>) lets operators alert on it.
/// </summary>
internal sealed class NotConfiguredTransport : IChannelTransport
{
    public const string TransportName = "not-configured";
    public const string Reason = "channel-not-configured";

    public Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(SendOutcome.Permanent(TransportName, Reason));
}
