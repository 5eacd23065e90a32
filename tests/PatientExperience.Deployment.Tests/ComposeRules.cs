using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PatientExperience.Deployment.Tests;

/// <summary>What docker-compose.yml must satisfy; one line per problem (see <see cref="ManifestRules"/>).</summary>
public static partial class ComposeRules
{
    public static JsonObject Load() => (JsonObject)Yaml.LoadFile("docker-compose.yml")!;

    public static List<string> Check(JsonObject compose, string envExample)
    {
        var problems = new List<string>();
        var services = compose["services"] as JsonObject ?? [];
        var declared = EnvExampleNames().Matches(envExample).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        foreach (var (name, service) in services)
        {
            var image = service?["image"]?.GetValue<string>();
            if (image is not null)
            {
                var tag = image[(image.LastIndexOf('/') + 1)..].Split(':').ElementAtOrDefault(1);
                if (tag is null or "latest") problems.Add($"{name}: image {image} is not pinned to a version");
            }
            else if (service?["build"] is null) problems.Add($"{name}: neither image nor build");

            foreach (var (key, value) in Environment(service))
            {
                if (SecretName().IsMatch(key) && !(value ?? "").Contains("${", StringComparison.Ordinal))
                    problems.Add($"{name}: {key} is written in the file; secrets come from .env (see .env.example)");
            }
            foreach (var port in service?["ports"] as JsonArray ?? [])
            {
                var text = port is JsonObject o ? o["host_ip"]?.GetValue<string>() ?? "" : port?.ToString() ?? "";
                if (!text.StartsWith("${PXP_PUBLISH_ADDRESS:-127.0.0.1}", StringComparison.Ordinal) && !text.StartsWith("127.0.0.1", StringComparison.Ordinal))
                    problems.Add($"{name}: port {port} is published on every address; bind it to ${{PXP_PUBLISH_ADDRESS:-127.0.0.1}}");
            }
        }

        foreach (var variable in Interpolation().Matches(compose.ToJsonString()).Select(m => m.Groups[1].Value).Distinct())
            if (!declared.Contains(variable)) problems.Add($"${{{variable}}} is used but not in .env.example");

        foreach (var deployable in Repository.Deployables)
        {
            var entry = services.FirstOrDefault(s => s.Key == deployable.Name).Value;
            if (entry is null) { problems.Add($"{deployable.Name} is not a service in docker-compose.yml"); continue; }
            var project = entry["build"]?["args"]?["PROJECT"]?.GetValue<string>();
            if (project != deployable.Project) problems.Add($"{deployable.Name}: builds {project ?? "nothing"}, not {deployable.Project}");
            var environment = Environment(entry).ToList();
            problems.AddRange(ConfigurationKeys.For(deployable).Check($"compose {deployable.Name}",
                [.. environment.Select(e => e.Key)],
                environment.Select(e => e.Value ?? "")));
        }
        return problems;
    }

    /// <summary>A service's environment, as a mapping or as a list of NAME=value.</summary>
    public static IEnumerable<(string Key, string? Value)> Environment(JsonNode? service)
    {
        switch (service?["environment"])
        {
            case JsonObject map:
                foreach (var (key, value) in map) yield return (key, value?.ToString());
                break;
            case JsonArray list:
                foreach (var item in list.Select(i => i?.GetValue<string>() ?? ""))
                {
                    var eq = item.IndexOf('=', StringComparison.Ordinal);
                    yield return eq < 0 ? (item, null) : (item[..eq], item[(eq + 1)..]);
                }
                break;
        }
    }

    [GeneratedRegex(@"(KEY|PASSWORD|PASS|SECRET|TOKEN)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)=", RegexOptions.Multiline)]
    private static partial Regex EnvExampleNames();
}
