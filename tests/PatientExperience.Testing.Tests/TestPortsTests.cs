using System.Diagnostics;
using System.Globalization;

namespace PatientExperience.Testing.Tests;

public sealed class TestPortsTests
{
    [Fact]
    public void Ports_handed_out_are_distinct_outside_the_ephemeral_range_and_bindable()
    {
        var ports = Enumerable.Range(0, 40).Select(_ => TestPorts.Reserve()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        if (File.Exists("/proc/sys/net/ipv4/ip_local_port_range"))
        {
            var first = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
            Assert.All(ports, port => Assert.InRange(port, 1024, first - 1));
        }

        foreach (var port in ports)
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void A_port_claimed_by_this_process_cannot_be_claimed_by_another()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("Checks the flock-based claim with flock(1), which only Linux here has.");
        if (!File.Exists("/usr/bin/flock")) Assert.Skip("flock(1) from util-linux is not installed.");

        var port = TestPorts.Reserve();
        var claim = Path.Combine(Path.GetTempPath(), "pxp-test-ports", port.ToString(CultureInfo.InvariantCulture) + ".lock");

        var flock = new ProcessStartInfo("/usr/bin/flock", ["--nonblock", "--exclusive", claim, "true"]) { UseShellExecute = false };
        using var other = Process.Start(flock)!;
        other.WaitForExit();

        Assert.NotEqual(0, other.ExitCode);
    }
}
