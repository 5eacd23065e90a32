using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PatientExperience.Testing.Tests;

public sealed class RabbitMqBrokerTests(BrokerFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Resolves_a_broker_or_says_in_one_line_why_not()
    {
        var broker = fixture.Broker;
        output.WriteLine(broker.Description);

        if (broker.IsAvailable)
        {
            Assert.Contains(broker.Source, new[] { "testcontainers", "environment", "local-node" });
            Assert.StartsWith("amqp", broker.Uri);
            Assert.Null(broker.SkipReason);
        }
        else
        {
            Assert.Equal("none", broker.Source);
            Assert.StartsWith("RabbitMQ unavailable: ", broker.SkipReason);
            Assert.DoesNotContain('\n', broker.SkipReason!);
        }
    }

    [Fact]
    public async Task A_message_published_with_confirms_can_be_got_back_from_a_fresh_virtual_host()
    {
        var broker = fixture.Require();
        var ct = TestContext.Current.CancellationToken;
        var uri = await broker.CreateVirtualHostAsync(ct);

        await using var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var queue = await channel.QueueDeclareAsync("grievance-received", durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);

        var body = Encoding.UTF8.GetBytes("""{"caseId":"c-1"}""");
        // With confirmation tracking, the publish completes only when the broker has confirmed it (and throws on a nack).
        await channel.BasicPublishAsync("", queue.QueueName, mandatory: true, new BasicProperties { Persistent = true, MessageId = "m-1" }, body, ct);

        var got = await Eventually.UntilAsync(() => channel.BasicGetAsync(queue.QueueName, autoAck: true, ct), Timeout,
            "the published message can be got from its queue", ct);

        Assert.Equal("m-1", got.BasicProperties.MessageId);
        Assert.Equal(body, got.Body.ToArray());
    }

    [Fact]
    public async Task Virtual_hosts_do_not_see_each_others_queues()
    {
        var broker = fixture.Require();
        if (broker.Source == "environment") Assert.Skip("RABBITMQ_URI gives one virtual host: no isolation to check.");
        var ct = TestContext.Current.CancellationToken;

        await using var first = await new ConnectionFactory { Uri = new Uri(await broker.CreateVirtualHostAsync(ct)) }.CreateConnectionAsync(ct);
        await using var second = await new ConnectionFactory { Uri = new Uri(await broker.CreateVirtualHostAsync(ct)) }.CreateConnectionAsync(ct);
        await using var firstChannel = await first.CreateChannelAsync(cancellationToken: ct);
        await firstChannel.QueueDeclareAsync("case-opened", durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);

        await using var secondChannel = await second.CreateChannelAsync(cancellationToken: ct);
        var missing = await Assert.ThrowsAsync<OperationInterruptedException>(() => secondChannel.QueueDeclarePassiveAsync("case-opened", ct));
        Assert.Equal((ushort)404, missing.ShutdownReason?.ReplyCode);
    }

    [Theory]
    [InlineData("amqp://pxp:secret@127.0.0.1:5672/", "case-tests", "amqp://pxp:secret@127.0.0.1:5672/case-tests")]
    [InlineData("amqp://pxp:secret@localhost:32771", "/", "amqp://pxp:secret@localhost:32771/%2F")]
    public void A_virtual_host_uri_keeps_the_broker_and_credentials(string uri, string virtualHost, string expected) =>
        Assert.Equal(expected, RabbitMqBroker.WithVirtualHost(uri, virtualHost));
}
