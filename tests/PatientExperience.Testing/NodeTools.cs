using System.Diagnostics;

namespace PatientExperience.Testing;

public sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}

/// <summary>
/// The npm packages the front-end API checks use (<c>clients/typescript</c>: openapi-typescript, tsc; <c>tools/openapi</c>:
/// Redocly CLI), run with <c>node</c> from their <c>node_modules</c> (installed by <c>.ci/run</c> with <c>npm ci</c>).
/// </summary>
public static class NodeTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public const string ClientPackage = "clients/typescript";
    public const string LintPackage = "tools/openapi";

    /// <summary>The script of an installed package, or why it cannot run (package not installed; node missing shows on run).</summary>
    public static (string? Script, string? Missing) Script(string package, string relativeScript)
    {
        var script = Path.Combine(RepositoryPaths.Root, package, "node_modules", relativeScript);
        return File.Exists(script)
            ? (script, null)
            : (null, $"{package}/node_modules is missing (run: npm ci --prefix {package}; apt-get install -y nodejs npm if npm is missing)");
    }

    /// <summary>Runs <c>node script args</c> in <paramref name="workingDirectory"/>; null when node is not installed.</summary>
    public static async Task<ToolRun?> RunNodeAsync(string script, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node {script} did not finish within {Timeout}.");
            }
            return new ToolRun(process.ExitCode, await output, await error);
        }
    }
}
