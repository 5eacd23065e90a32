using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PatientExperience.Deployment.Tests;

public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}

/// <summary>The command-line tools the checks use: kubectl (renders the overlays), node (the schema validator), docker compose.</summary>
public static class Tools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Null when the program cannot be started at all (not installed).</summary>
    public static ToolResult? TryRun(string fileName, IEnumerable<string> arguments, string? standardInput = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (standardInput is not null)
            {
                process.StandardInput.Write(standardInput);
                process.StandardInput.Close();
            }
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {Timeout}.");
            }
            return new ToolResult(process.ExitCode, output.Result, error.Result);
        }
    }

    private static readonly Dictionary<string, ToolResult?> Rendered = new(StringComparer.Ordinal);

    /// <summary>The overlays use Kustomize v5 features (labels with templates, patches by label selector); older kubectl embeds an older one.</summary>
    private static readonly Lazy<string?> KustomizeTooOld = new(() =>
    {
        var version = TryRun("kubectl", ["version", "--client"]);
        var match = System.Text.RegularExpressions.Regex.Match(version?.Output ?? "", @"Kustomize Version: v(\d+)");
        return match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5
            ? null
            : $"kubectl here embeds Kustomize older than v5 ({(version?.Output ?? "").Trim().Replace('\n', ' ')}); the overlays need v5.";
    });

    /// <summary><c>kubectl kustomize k8s/overlays/&lt;overlay&gt;</c> (once per overlay and test run), or a skip with the reason when kubectl is missing.</summary>
    public static string Kustomize(string overlay)
    {
        ToolResult? result;
        lock (Rendered)
        {
            if (!Rendered.TryGetValue(overlay, out result))
                Rendered[overlay] = result = TryRun("kubectl", ["kustomize", Repository.PathOf($"k8s/overlays/{overlay}")]);
        }
        if (result is null) Assert.Skip("kubectl is not installed (.ci/run installs it: apt-get install -y kubectl).");
        if (KustomizeTooOld.Value is { } reason) Assert.Skip(reason);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize k8s/overlays/{overlay} failed: {result}");
        return result.Output;
    }

    /// <summary>The rendered overlay as one array of objects: a fresh copy each call, so a test may change it.</summary>
    public static JsonArray Render(string overlay) =>
        new([.. Yaml.LoadAll(Kustomize(overlay)).Where(o => o is not null).Select(o => o!.DeepClone())]);

    /// <summary>
    /// Runs k8s/validate/validate.mjs (the Kubernetes JSON schemas shipped by the npm package kubernetes-models, installed by
    /// .ci/run) over the objects. Skips with the reason when node or the package is missing, except under CI, where it fails.
    /// </summary>
    public static ToolResult ValidateSchemas(JsonArray objects)
    {
        var modules = Repository.PathOf("k8s/validate/node_modules/kubernetes-models");
        string? missing = Directory.Exists(modules) ? null : "k8s/validate/node_modules is missing (run: npm ci --prefix k8s/validate)";
        ToolResult? result = null;
        if (missing is null)
        {
            result = TryRun("node", [Repository.PathOf("k8s/validate/validate.mjs")], objects.ToJsonString());
            if (result is null) missing = "node is not installed (apt-get install -y nodejs npm)";
        }
        if (missing is not null)
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                $"CI must validate the manifests against the Kubernetes schemas, but {missing}.");
            Assert.Skip(missing);
        }
        return result!;
    }
}
