using System.ComponentModel.DataAnnotations;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientExperience.Messaging;
using PatientExperience.Testing;
using RabbitMQ.Client;

namespace PatientExperience.Integration.Tests.Canary;

/// <summary>A value the consumer looked up (a patient's detail) and quotes in the exception it throws, as a validation error does.</summary>
public sealed class QuotedValue
{
    public string Value { get; set; } = "";

    public bool Permanent { get; set; }
}

/// <summary>Refuses every probe with an exception whose message, and whose inner exception's message, quote <see cref="QuotedValue"/>.</summary>
public sealed class QuotingProbeConsumer(QuotedValue quoted) : IConsumer<ProbeHappened>
{
    public Task Consume(ConsumeContext<ProbeHappened> context)
    {
        var cause = new FormatException($"'{quoted.Value}' is not a valid value.");
        throw quoted.Permanent
            ? new ValidationException($"The contact '{quoted.Value}' of probe {context.Message.ProbeId} is not valid.", cause)
            : new InvalidOperationException($"Could not reach '{quoted.Value}' for probe {context.Message.ProbeId}.", cause);
    }
}

/// <summary>
/// The PHI canary's error-queue half (issue 9): a message whose handling fails for good reaches <c>_error</c> over a real
/// RabbitMQ with the reason and what an operator needs to diagnose it (exception type, stack frames, the message and
/// correlation ids), but an exception message that quotes a patient's detail reaches neither its headers, nor its body,
/// nor any log record.
/// </summary>
public sealed class ErrorQueuePhiTests(BrokerFixture broker)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true, FailureReasons.Permanent)]
    [InlineData(false, FailureReasons.RetriesExhausted)]
    public async Task An_exception_that_quotes_a_patient_detail_reaches_neither_the_error_queue_nor_the_logs(bool permanent, string reason)
    {
        var uri = await broker.FreshVirtualHostAsync();
        var markers = new PhiMarkers();
        var quoted = new QuotedValue { Value = markers.Email("quoted.contact"), Permanent = permanent };
        var logs = new CapturedLogs();
        var queue = permanent ? "itest-quoting-permanent" : "itest-quoting-transient";
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<QuotingProbeConsumer>().Endpoint(e => e.Name = queue),
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:MassTransit"] = "Debug" },
            services: s => s.AddSingleton(quoted).AddSingleton<ILoggerProvider>(logs));
        await host.StartAsync(Ct);

        // The event carries ids only, as the platform's events do.
        var probe = new ProbeHappened(Guid.NewGuid(), "ids only");
        await host.Services.GetRequiredService<IBus>().Publish(probe, Ct);
        var inError = await RedeliveryTests.GetFromErrorQueueAsync(uri, queue);

        var headers = (inError.BasicProperties.Headers ?? new Dictionary<string, object?>()).ToDictionary(h => h.Key, h => Text(h.Value));
        var body = Encoding.UTF8.GetString(inError.Body.Span);
        CanaryAssert.NoMarkerIn(markers, "the _error message's headers", headers.Select(h => $"{h.Key}={h.Value}"));
        CanaryAssert.NoMarkerIn(markers, "the _error message's body", [body]);
        CanaryAssert.NoMarkerIn(markers, "logs", logs.Records);

        // What an operator diagnoses with: the reason, the exception's type, where it was thrown, and the ids to follow.
        var thrown = permanent ? typeof(ValidationException) : typeof(InvalidOperationException);
        Assert.Equal(reason, headers[FailureReasons.Header]);
        // MassTransit names the innermost exception (the root cause) in MT-Fault-ExceptionType; the stack trace names the chain.
        Assert.Equal(typeof(FormatException).FullName, headers[MessageHeaders.FaultExceptionType]);
        Assert.Contains(thrown.FullName!, headers[MessageHeaders.FaultMessage]);
        Assert.Contains(nameof(QuotingProbeConsumer), headers[MessageHeaders.FaultStackTrace]);
        Assert.Contains("caused by " + typeof(FormatException).FullName, headers[MessageHeaders.FaultStackTrace]);
        Assert.Contains(probe.ProbeId.ToString(), body);
        Assert.False(string.IsNullOrEmpty(inError.BasicProperties.MessageId));
        Assert.Contains(logs.Records, r => r.Contains(thrown.FullName!, StringComparison.Ordinal) && r.Contains(nameof(QuotingProbeConsumer), StringComparison.Ordinal));
        await host.StopAsync(Ct);
    }

    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => value.ToString(),
    };
}
