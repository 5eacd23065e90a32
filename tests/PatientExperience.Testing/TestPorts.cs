using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PatientExperience.Testing;

/// <summary>
/// Hands out TCP ports for the processes tests start, so that two of them never get the same one.
/// </summary>
/// <remarks>
/// Asking the OS for a free port (bind to 0, read it, close) is racy twice over: the port is chosen from the
/// ephemeral range, where every outgoing connection of every process on the machine also takes its local port,
/// and nothing stops the next call, or another test assembly running at the same time, from being given the same
/// port before the first process binds it. CI once saw intake crash at start because its HTTP port was already
/// served by another process. So ports here come from below the ephemeral range, each is claimed with an exclusive
/// lock on a file under the temp directory that this process holds until it exits (other test processes skip it;
/// the OS drops the lock if the process dies), and is checked bindable on 127.0.0.1 before it is handed out.
/// </remarks>
public static class TestPorts
{
    private const int LowestPort = 20000;
    private static readonly object Gate = new();
    private static readonly List<FileStream> Claims = [];
    private static readonly HashSet<int> Handed = [];
    private static readonly string ClaimDirectory = Path.Combine(Path.GetTempPath(), "pxp-test-ports");

    /// <summary>A port on 127.0.0.1 nobody listens on, not handed to any other test process alive now.</summary>
    public static int Reserve()
    {
        var highest = EphemeralRangeStart() - 1;
        if (highest - LowestPort < 1000) return OsAssignedPort();

        Directory.CreateDirectory(ClaimDirectory);
        lock (Gate)
        {
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, highest + 1);
                if (Handed.Contains(port)) continue;
                var claim = TryClaim(port);
                if (claim is null) continue;
                if (!IsBindable(port))
                {
                    claim.Dispose();
                    continue;
                }

                Claims.Add(claim);
                Handed.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port between {LowestPort} and {highest} after 500 attempts.");
    }

    private static FileStream? TryClaim(int port)
    {
        var path = Path.Combine(ClaimDirectory, port.ToString(CultureInfo.InvariantCulture) + ".lock");
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix, held while the stream is open.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsBindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int OsAssignedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The first port of the OS's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range), 49152 elsewhere.</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (File.Exists(range))
            {
                var first = File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
                return int.Parse(first, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
        }

        return 49152;
    }
}
