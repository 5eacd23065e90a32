using System.Diagnostics;
using System.Globalization;
using PatientExperience.Testing;

namespace PatientExperience.LoadTest;

/// <summary>
/// The subjects of <c>proxy-overhead</c>, each in a process of its own so that none shares a runtime with the load
/// generator: plain Kestrel answering 202 and bare YARP forwarding to it (this tool, <c>serve-baselines</c>), and the
/// platform's gateway (its own build output) with the feedback route's cluster pointed at the same plain Kestrel. The
/// gateway's and bare YARP's numbers then differ only by what the gateway adds to a proxied public POST (forwarded-header
/// handling, correlation, body-size limit, rate limiting, authentication of anonymous calls, problem details, telemetry).
/// </summary>
internal sealed class ProxyOverhead : IAsyncDisposable
{
    private readonly Process _baselines;
    private readonly ServiceProcess _gateway;

    private ProxyOverhead(Process baselines, ServiceProcess gateway, Uri kestrel, Uri yarp, Uri gatewayUri)
    {
        _baselines = baselines;
        _gateway = gateway;
        Kestrel = kestrel;
        Yarp = yarp;
        Gateway = gatewayUri;
    }

    public Uri Kestrel { get; }

    public Uri Yarp { get; }

    public Uri Gateway { get; }

    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"plain Kestrel {Kestrel} and bare YARP {Yarp} (pid {_baselines.Id}), the gateway {Gateway} (pid {_gateway.Id}); both proxies forward to the plain Kestrel endpoint");

    public static async Task<ProxyOverhead> StartAsync(CancellationToken ct)
    {
        int kestrelPort = TestPorts.Reserve(), yarpPort = TestPorts.Reserve(), gatewayPort = TestPorts.Reserve();
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(ProxyOverhead).Assembly.Location, LoadOptions.ServeBaselinesMode, "--kestrel-port",
                     kestrelPort.ToString(CultureInfo.InvariantCulture), "--yarp-port", yarpPort.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        var baselines = Process.Start(start) ?? throw new InvalidOperationException("Could not start the baselines process.");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        baselines.OutputDataReceived += (_, e) => { if (e.Data == "baselines ready") ready.TrySetResult(); };
        baselines.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"baselines: {e.Data}"); };
        baselines.BeginOutputReadLine();
        baselines.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);

        var environment = new Dictionary<string, string?>
        {
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{gatewayPort}",
            ["ReverseProxy__Clusters__intake__Destinations__primary__Address"] = $"http://127.0.0.1:{kestrelPort}",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            // Anonymous POSTs only: a signing key made for this run satisfies the gateway's start-up check.
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        foreach (var (key, value) in Platform.LoadSettings) environment[key] = value;
        var gateway = ServiceProcess.Start("PatientExperience.Gateway", environment, "gateway (proxy-overhead)");
        var gatewayUri = new Uri($"http://127.0.0.1:{gatewayPort}");
        try
        {
            await gateway.WaitUntilReadyAsync(new Uri(gatewayUri, "/health/live"), TimeSpan.FromSeconds(120), ct);
        }
        catch
        {
            baselines.Kill(entireProcessTree: true);
            await gateway.DisposeAsync();
            throw;
        }

        return new ProxyOverhead(baselines, gateway, new Uri($"http://127.0.0.1:{kestrelPort}"), new Uri($"http://127.0.0.1:{yarpPort}"), gatewayUri);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (!_baselines.HasExited) _baselines.Kill(entireProcessTree: true);
        await _baselines.WaitForExitAsync();
        _baselines.Dispose();
    }
}
