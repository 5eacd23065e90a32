using MassTransit;
using Microsoft.Extensions.Logging;
using PatientExperience.ServiceDefaults;

namespace PatientExperience.Messaging;

/// <summary>
/// What an operator reads about a failed message, without what the exception said: an exception's message can quote the
/// input it refused (a validation error naming a patient's value), so the <c>_error</c> queue's fault headers and
/// MassTransit's own log records carry the exception's type and stack frames (<see cref="ExceptionSite"/>), never its
/// message. The message id, correlation id and conversation id stay on the message for tracing it back.
/// </summary>
public static class FaultRedaction
{
    /// <summary>What <c>MT-Fault-Message</c> says instead of the exception's message.</summary>
    public static string Message(Exception exception) =>
        $"{exception.GetType().FullName} (message withheld: it may quote personal data; see the stack trace and the logs by correlation id)";

    /// <summary>Replaces the message and stack trace MassTransit wrote in the fault headers with the type and frames only.</summary>
    internal static void Apply(ExceptionReceiveContext context)
    {
        context.ExceptionHeaders.Set(MessageHeaders.FaultMessage, Message(context.Exception));
        context.ExceptionHeaders.Set(MessageHeaders.FaultStackTrace, ExceptionSite.Describe(context.Exception));
    }
}

/// <summary>
/// The process's logger factory, as <c>AddPlatformMessaging</c> registers it: MassTransit logs a faulted consume, a retry
/// and a move to <c>_error</c> with the exception attached (<c>R-FAULT</c>, <c>R-RETRY</c>), and every exporter writes an
/// attached exception's message. For MassTransit's categories the exception is replaced by a <see cref="RedactedException"/>
/// that keeps the type and frames; other categories are untouched (the platform's own code logs exception types only).
/// </summary>
internal sealed class FaultRedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith("MassTransit", StringComparison.Ordinal) ? new Logger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var redacted = exception is null or RedactedException ? exception : new RedactedException(exception);
            inner.Log(logLevel, eventId, state, redacted, (s, _) => formatter(s, redacted));
        }
    }
}

/// <summary>An exception as logs may show it: the original's type (in the message) and stack frames, not its message.</summary>
public sealed class RedactedException(Exception original) : Exception(FaultRedaction.Message(original))
{
    /// <summary>The full name of the exception that was thrown.</summary>
    public string OriginalType { get; } = original.GetType().FullName ?? "unknown";

    private readonly string _site = ExceptionSite.Describe(original);

    public override string? StackTrace => _site;

    public override string ToString() => Message + Environment.NewLine + _site;
}
