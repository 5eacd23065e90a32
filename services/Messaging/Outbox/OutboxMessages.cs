using System.Diagnostics;
using System.Text.Json;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Outbox;

/// <summary>Turns an event into an outbox message that carries the current trace, so the trace continues when the relay publishes it.</summary>
public static class OutboxMessages
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public static OutboxMessage Create<T>(T message, DateTimeOffset now, Guid? id = null) where T : class =>
        Create(message, typeof(T), now, id);

    /// <summary>For events whose type is known only at run time (a list of the events an action caused).</summary>
    public static OutboxMessage Create(object message, DateTimeOffset now, Guid? id = null) => Create(message, message.GetType(), now, id);

    private static OutboxMessage Create(object message, Type type, DateTimeOffset now, Guid? id)
    {
        var headers = new Dictionary<string, string>();
        if (Activity.Current is { } activity)
        {
            headers[TraceParentHeader] = activity.Id!;
            if (!string.IsNullOrEmpty(activity.TraceStateString)) headers[TraceStateHeader] = activity.TraceStateString;
        }

        return new OutboxMessage(id ?? NewId.NextGuid(), TypeName(type), JsonSerializer.Serialize(message, type, StoreJson.Options), headers, now);
    }

    /// <summary>The assembly-qualified name without version, so a redeploy with a new contracts version still reads old rows.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type ResolveType(string typeName) =>
        Type.GetType(typeName, throwOnError: false) ?? throw new InvalidOperationException($"Outbox message type '{typeName}' is not known to this process.");

    public static object Deserialize(OutboxMessage message, Type type) =>
        JsonSerializer.Deserialize(message.Payload, type, StoreJson.Options) ?? throw new InvalidOperationException("Outbox payload is empty.");

    private static class NewId
    {
        public static Guid NextGuid() => MassTransit.NewId.NextGuid();
    }
}
