namespace PatientExperience.Messaging;

/// <summary>An <c>amqp://user:pass@host:port/vhost</c> (or <c>amqps://</c>) connection string, taken apart.</summary>
public sealed record RabbitMqUri(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    public static RabbitMqUri Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
            throw new FormatException("ConnectionStrings:rabbitmq must be an amqp:// or amqps:// URI.");

        var tls = uri.Scheme == "amqps";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 5671 : 5672) : uri.Port;
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var user = "guest";
        var pass = "guest";
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            pass = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        return new RabbitMqUri(uri.Host, (ushort)port, vhost.Length == 0 ? "/" : vhost, user, pass, tls);
    }

    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";
}
