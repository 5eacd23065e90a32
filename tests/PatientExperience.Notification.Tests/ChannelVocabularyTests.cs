using PatientExperience.Notification.Channels;

namespace PatientExperience.Notification.Tests;

/// <summary>The channel names deliveries route on are the wire strings of the contracts' <see cref="NotificationChannel"/>.</summary>
public sealed class ChannelVocabularyTests
{
    [Fact]
    public void Each_channel_constant_is_the_wire_string_of_its_notification_channel()
    {
        Assert.Equal(
            [NotificationChannel.Email.ToWire(), NotificationChannel.Sms.ToWire(), NotificationChannel.Pager.ToWire(), NotificationChannel.Inbox.ToWire()],
            [Channel.Email, Channel.Sms, Channel.Pager, Channel.Inbox]);
        Assert.Equal(["email", "sms", "pager", "inbox"], Channel.All);
        Assert.Equal(["email", "sms", "pager"], Channel.Push);
    }
}
