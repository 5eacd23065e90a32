using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PatientExperience.Deployment.Tests;

/// <summary>
/// What every rendered overlay must satisfy beyond the API schemas. <see cref="Check"/> returns one line per problem, so a
/// test asserts the list is empty and the mutation tests assert a broken copy produces the expected line.
/// </summary>
public static partial class ManifestRules
{
    public static List<string> Check(JsonArray objects)
    {
        var problems = new List<string>();
        var all = objects.OfType<JsonObject>().ToList();
        foreach (var o in all.Where(o => Kind(o) == "Secret"))
            problems.Add($"Secret/{Name(o)} is inlined: secrets are referenced (secretKeyRef), never part of the manifests");
        foreach (var map in all.Where(o => Kind(o) == "ConfigMap"))
            foreach (var entry in map["data"] as JsonObject ?? [])
                if (SecretName().IsMatch(entry.Key)) problems.Add($"ConfigMap/{Name(map)} holds {entry.Key}: secrets come from secretKeyRef");
        foreach (var deployment in all.Where(o => Kind(o) == "Deployment"))
            problems.AddRange(CheckDeployment(deployment, all));
        foreach (var o in all) problems.AddRange(CheckCustomResource(o));
        return problems;
    }

    public static IEnumerable<JsonObject> OfKind(JsonArray objects, string kind) => objects.OfType<JsonObject>().Where(o => Kind(o) == kind);

    public static string Kind(JsonNode o) => o["kind"]?.GetValue<string>() ?? "";

    public static string Name(JsonNode o) => o["metadata"]?["name"]?.GetValue<string>() ?? "";

    private static IEnumerable<string> CheckDeployment(JsonObject deployment, List<JsonObject> all)
    {
        var name = $"Deployment/{Name(deployment)}";
        var pod = deployment["spec"]?["template"]?["spec"];
        var labels = deployment["spec"]?["template"]?["metadata"]?["labels"] as JsonObject ?? [];
        var containers = pod?["containers"] as JsonArray ?? [];
        if (containers.Count == 0) yield return $"{name} has no containers";
        var podSecurity = pod?["securityContext"];
        var mounts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers.OfType<JsonObject>())
        {
            var c = $"{name} container {container["name"]}";
            if (container["livenessProbe"] is null) yield return $"{c} has no livenessProbe";
            if (container["readinessProbe"] is null) yield return $"{c} has no readinessProbe";
            foreach (var bound in new[] { "requests", "limits" })
                foreach (var resource in new[] { "cpu", "memory" })
                    if (container["resources"]?[bound]?[resource] is null) yield return $"{c} has no resources.{bound}.{resource}";
            var security = container["securityContext"];
            if ((security?["runAsNonRoot"] ?? podSecurity?["runAsNonRoot"])?.GetValue<bool>() != true) yield return $"{c} may run as root (runAsNonRoot is not true)";
            if (security?["allowPrivilegeEscalation"]?.GetValue<bool>() != false) yield return $"{c} allows privilege escalation";
            if (security?["readOnlyRootFilesystem"]?.GetValue<bool>() != true) yield return $"{c} has a writable root filesystem";
            if (security?["capabilities"]?["drop"] is not JsonArray drop || !drop.Any(d => d?.GetValue<string>() == "ALL")) yield return $"{c} does not drop all capabilities";
            var image = container["image"]?.GetValue<string>() ?? "";
            var tag = image.Contains('@', StringComparison.Ordinal) ? "digest" : image[(image.LastIndexOf('/') + 1)..].Split(':').ElementAtOrDefault(1);
            if (tag is null or "latest") yield return $"{c} image {image} is not pinned to a version";
            foreach (var mount in container["volumeMounts"] as JsonArray ?? []) mounts.Add(mount?["mountPath"]?.GetValue<string>() ?? "");
            foreach (var env in container["env"] as JsonArray ?? [])
            {
                var envName = env?["name"]?.GetValue<string>() ?? "";
                var value = env?["value"]?.GetValue<string>();
                if (value is not null && SecretName().IsMatch(envName) && !value.Contains("$(", StringComparison.Ordinal))
                    yield return $"{c} sets {envName} inline: secrets come from secretKeyRef";
            }
        }
        if (!mounts.Contains("/tmp")) yield return $"{name} has no writable /tmp volume";

        var services = all.Where(o => Kind(o) == "Service" && Selects(o["spec"]?["selector"] as JsonObject, labels)).ToList();
        if (services.Count == 0) yield return $"{name} has no Service whose selector matches its pods";
        var ports = containers.SelectMany(c => c?["ports"] as JsonArray ?? []).ToList();
        foreach (var service in services)
            foreach (var port in service["spec"]?["ports"] as JsonArray ?? [])
            {
                var target = port?["targetPort"] ?? port?["port"];
                if (!ports.Any(p => Same(p?["name"], target) || Same(p?["containerPort"], target)))
                    yield return $"Service/{Name(service)} targets port {target} that {name} does not expose";
            }
        if (!all.Any(o => Kind(o) == "PodDisruptionBudget" && Selects(o["spec"]?["selector"]?["matchLabels"] as JsonObject, labels)))
            yield return $"{name} has no PodDisruptionBudget";
        if (!all.Any(o => Kind(o) == "HorizontalPodAutoscaler" && o["spec"]?["scaleTargetRef"]?["name"]?.GetValue<string>() == Name(deployment)))
            yield return $"{name} has no HorizontalPodAutoscaler";
    }

    /// <summary>The operators' custom resources, structurally (their CRDs are not part of the schemas the validator has).</summary>
    private static IEnumerable<string> CheckCustomResource(JsonObject o)
    {
        var name = $"{Kind(o)}/{Name(o)}";
        var spec = o["spec"];
        switch (Kind(o))
        {
            case "RabbitmqCluster":
                if (!IsPositiveInteger(spec?["replicas"])) yield return $"{name} needs spec.replicas (a positive integer)";
                if (spec?["image"]?.GetValue<string>() is not { } image || !image.Contains(':', StringComparison.Ordinal) || image.EndsWith(":latest", StringComparison.Ordinal))
                    yield return $"{name} needs spec.image pinned to a version";
                break;
            case "Vhost":
                if (spec?["defaultQueueType"]?.GetValue<string>() != "quorum") yield return $"{name} must make quorum queues the default (spec.defaultQueueType: quorum)";
                if (spec?["rabbitmqClusterReference"]?["name"] is null) yield return $"{name} needs spec.rabbitmqClusterReference.name";
                break;
            case "User" or "Permission":
                if (spec?["rabbitmqClusterReference"]?["name"] is null) yield return $"{name} needs spec.rabbitmqClusterReference.name";
                break;
            case "MongoDBCommunity":
                if (!IsPositiveInteger(spec?["members"])) yield return $"{name} needs spec.members (a positive integer)";
                if (spec?["type"]?.GetValue<string>() != "ReplicaSet") yield return $"{name} must be a ReplicaSet";
                if (spec?["version"] is not JsonValue version || version.GetValueKind() != System.Text.Json.JsonValueKind.String) yield return $"{name} needs spec.version as a string";
                if (spec?["security"]?["authentication"]?["modes"] is not JsonArray { Count: > 0 }) yield return $"{name} needs authentication (spec.security.authentication.modes)";
                foreach (var user in spec?["users"] as JsonArray ?? [])
                {
                    if (user?["passwordSecretRef"]?["name"] is null) yield return $"{name} user {user?["name"]} needs passwordSecretRef.name";
                    if (user?["connectionStringSecretName"] is null) yield return $"{name} user {user?["name"]} needs connectionStringSecretName";
                }
                break;
        }
    }

    private static bool IsPositiveInteger(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue<long>(out var n) && n > 0;

    public static bool Selects(JsonObject? selector, JsonObject labels) =>
        selector is { Count: > 0 } && selector.All(s => labels[s.Key]?.GetValue<string>() == s.Value?.GetValue<string>());

    private static bool Same(JsonNode? a, JsonNode? b) => a is not null && b is not null && a.ToJsonString() == b.ToJsonString();

    [GeneratedRegex(@"(Key|Password|Secret|Token)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>Settings a Deployment gives its container: env names and values, and the keys of the config maps in envFrom.</summary>
    public static (List<string> Keys, List<string> Values, List<string> Problems) Settings(JsonObject deployment, JsonArray objects)
    {
        var keys = new List<string>();
        var values = new List<string>();
        var problems = new List<string>();
        foreach (var container in deployment["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? [])
        {
            foreach (var env in container?["env"] as JsonArray ?? [])
            {
                keys.Add(env!["name"]!.GetValue<string>());
                if (env["value"]?.GetValue<string>() is { } v) values.Add(v);
            }
            foreach (var source in container?["envFrom"] as JsonArray ?? [])
            {
                if (source?["configMapRef"]?["name"]?.GetValue<string>() is not { } mapName) continue;
                var map = OfKind(objects, "ConfigMap").FirstOrDefault(m => Name(m) == mapName);
                if (map is null) { problems.Add($"Deployment/{Name(deployment)} reads ConfigMap/{mapName}, which is not in the manifests"); continue; }
                foreach (var entry in map["data"] as JsonObject ?? [])
                {
                    keys.Add(entry.Key);
                    if (entry.Value?.GetValue<string>() is { } v) values.Add(v);
                }
            }
        }
        return (keys, values, problems);
    }

    /// <summary>Every configuration key a platform Deployment (named after its deployable) is given is one that deployable reads, and its required keys are set.</summary>
    public static List<string> CheckConfiguration(JsonArray objects)
    {
        var problems = new List<string>();
        foreach (var deployable in Repository.Deployables)
        {
            var deployment = OfKind(objects, "Deployment").FirstOrDefault(d => Name(d) == deployable.Name);
            if (deployment is null) { problems.Add($"{deployable.Name} has no Deployment"); continue; }
            var (keys, values, missing) = Settings(deployment, objects);
            problems.AddRange(missing);
            problems.AddRange(ConfigurationKeys.For(deployable).Check($"Deployment/{deployable.Name}", keys, values));
        }
        return problems;
    }
}
