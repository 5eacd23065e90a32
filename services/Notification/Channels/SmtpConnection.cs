using MailKit.Security;

namespace PatientExperience.Notification.Channels;

/// <summary>
/// <c>ConnectionStrings:smtp</c>: <c>smtp://[user[:password]@]host[:port][?tls=none|starttls|auto|ssl]</c> (or <c>smtps://</c>
/// for TLS on connect). Patient letters and staff alerts carry PHI, so TLS is required: without <c>tls</c>, smtp means
/// STARTTLS (the send fails when the server does not offer it) and smtps TLS on connect. <c>auto</c> (STARTTLS only when the
/// server offers it, which anyone on the path can strip) is accepted for a loopback server only, and is its default there;
/// <c>tls=none</c> turns TLS off explicitly (a mail catcher on a private network). Default ports: 25 (587 with an explicit
/// starttls, 465 with ssl). User and password are URL-decoded.
/// </summary>
public sealed record SmtpConnection(string Host, int Port, SecureSocketOptions Security, string? UserName, string? Password)
{
    public const string ConnectionName = "smtp";

    public static bool TryParse(string value, out SmtpConnection connection, out string error)
    {
        connection = null!;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "smtp" && uri.Scheme != "smtps") || string.IsNullOrEmpty(uri.Host))
        {
            error = "expected smtp://[user:password@]host[:port][?tls=none|starttls|auto|ssl] or smtps://...";
            return false;
        }

        string? tls = uri.Scheme == "smtps" ? "ssl" : null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var v = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
            if (key != "tls")
            {
                error = "the only query parameter is tls.";
                return false;
            }

            tls = v.ToLowerInvariant();
        }

        var loopback = IsLoopback(uri);
        if (tls == "auto" && !loopback)
        {
            error = "tls=auto (STARTTLS only when offered) is allowed for a loopback server only; use tls=starttls or tls=ssl, or tls=none to turn TLS off explicitly.";
            return false;
        }

        SecureSocketOptions security;
        switch (tls ?? (loopback ? "auto" : "required"))
        {
            case "required": security = SecureSocketOptions.StartTls; break;
            case "none": security = SecureSocketOptions.None; break;
            case "starttls": security = SecureSocketOptions.StartTls; break;
            case "auto": security = SecureSocketOptions.StartTlsWhenAvailable; break;
            case "ssl" or "tls": security = SecureSocketOptions.SslOnConnect; break;
            default:
                error = "tls must be none, starttls, auto or ssl.";
                return false;
        }

        var port = uri.IsDefaultPort || uri.Port <= 0
            ? security switch { SecureSocketOptions.SslOnConnect => 465, SecureSocketOptions.StartTls when tls == "starttls" => 587, _ => 25 }
            : uri.Port;
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var credentials = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(credentials[0]);
            password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "";
        }

        connection = new SmtpConnection(uri.Host, port, security, user, password);
        error = "";
        return true;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.DnsSafeHost, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>For logs: host and port only, never the credentials.</summary>
    public override string ToString() => $"{Host}:{Port}";
}
