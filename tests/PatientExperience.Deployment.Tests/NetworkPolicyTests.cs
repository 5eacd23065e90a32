using System.Text.Json.Nodes;

namespace PatientExperience.Deployment.Tests;

/// <summary>
/// The NetworkPolicies allow the flows of ../shared/ARCHITECTURE.md inside the namespace and nothing else: evaluated as
/// Kubernetes does (a pod selected by any policy for a direction accepts only what one of those policies' rules allows).
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly Dictionary<string, JsonObject> Pods = new()
    {
        ["gateway"] = Labels("app.kubernetes.io/name", "gateway", "app.kubernetes.io/component", "platform-service"),
        ["intake"] = Labels("app.kubernetes.io/name", "intake", "app.kubernetes.io/component", "platform-service"),
        ["case"] = Labels("app.kubernetes.io/name", "case", "app.kubernetes.io/component", "platform-service"),
        ["notification"] = Labels("app.kubernetes.io/name", "notification", "app.kubernetes.io/component", "platform-service"),
        ["survey"] = Labels("app.kubernetes.io/name", "survey", "app.kubernetes.io/component", "platform-service"),
        ["reporting"] = Labels("app.kubernetes.io/name", "reporting", "app.kubernetes.io/component", "platform-service"),
        ["web"] = Labels("app.kubernetes.io/name", "web", "app.kubernetes.io/component", "platform-service"),
        ["otel-collector"] = Labels("app.kubernetes.io/name", "otel-collector", "app.kubernetes.io/component", "telemetry"),
        // Pods of the operators carry the operators' labels, not ours.
        ["rabbitmq"] = new JsonObject { ["app.kubernetes.io/name"] = "pxp-rabbitmq" },
        ["mongodb"] = new JsonObject { ["app"] = "pxp-mongo-svc" },
    };

    public static TheoryData<string, string, int> Allowed => new()
    {
        { "gateway", "intake", 8080 }, { "gateway", "case", 8080 }, { "gateway", "notification", 8080 },
        { "intake", "case", 8081 }, { "notification", "case", 8081 }, { "notification", "intake", 8081 },
        { "intake", "rabbitmq", 5672 }, { "case", "rabbitmq", 5672 }, { "notification", "rabbitmq", 5672 },
        { "intake", "mongodb", 27017 }, { "case", "mongodb", 27017 }, { "notification", "mongodb", 27017 },
        { "gateway", "otel-collector", 4317 }, { "case", "otel-collector", 4317 },
        { "otel-collector", "case", 8080 }, { "otel-collector", "gateway", 8080 },
        { "rabbitmq", "rabbitmq", 25672 }, { "mongodb", "mongodb", 27017 },
        { "gateway", "survey", 8080 }, { "survey", "rabbitmq", 5672 }, { "survey", "mongodb", 27017 },
        { "survey", "otel-collector", 4317 }, { "otel-collector", "survey", 8080 },
        { "gateway", "reporting", 8080 }, { "reporting", "rabbitmq", 5672 }, { "reporting", "mongodb", 27017 },
        { "reporting", "otel-collector", 4317 }, { "otel-collector", "reporting", 8080 },
        { "gateway", "web", 8080 }, { "web", "gateway", 8080 }, { "web", "otel-collector", 4317 }, { "otel-collector", "web", 8080 },
    };

    public static TheoryData<string, string, int> Denied => new()
    {
        { "gateway", "rabbitmq", 5672 }, { "gateway", "mongodb", 27017 }, { "gateway", "case", 8081 },
        { "case", "intake", 8081 }, { "case", "notification", 8080 }, { "intake", "notification", 8081 },
        { "intake", "case", 8080 }, { "notification", "gateway", 8080 }, { "otel-collector", "mongodb", 27017 },
        { "rabbitmq", "mongodb", 27017 }, { "mongodb", "case", 8080 },
        { "survey", "case", 8081 }, { "survey", "intake", 8081 }, { "case", "survey", 8080 }, { "survey", "gateway", 8080 },
        { "reporting", "case", 8081 }, { "reporting", "survey", 8080 }, { "case", "reporting", 8080 }, { "reporting", "gateway", 8080 },
        { "reporting", "reporting", 8081 },
        { "web", "case", 8080 }, { "web", "intake", 8080 }, { "web", "survey", 8080 }, { "web", "rabbitmq", 5672 },
        { "web", "mongodb", 27017 }, { "case", "web", 8080 },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void A_flow_of_the_architecture_is_allowed(string from, string to, int port) =>
        Assert.True(Permits(Tools.Render("production"), from, to, port), $"{from} -> {to}:{port} is blocked");

    [Theory]
    [MemberData(nameof(Denied))]
    public void A_flow_outside_the_architecture_is_denied(string from, string to, int port) =>
        Assert.False(Permits(Tools.Render("production"), from, to, port), $"{from} -> {to}:{port} is allowed");

    private static bool Permits(JsonArray objects, string from, string to, int port)
    {
        var policies = ManifestRules.OfKind(objects, "NetworkPolicy").ToList();
        return Direction(policies, "Egress", "egress", "to", Pods[from], Pods[to], port)
            && Direction(policies, "Ingress", "ingress", "from", Pods[to], Pods[from], port);
    }

    /// <summary>Whether the policies selecting <paramref name="self"/> for this direction let it talk to <paramref name="peer"/> on the port.</summary>
    private static bool Direction(List<JsonObject> policies, string type, string rulesName, string peersName, JsonObject self, JsonObject peer, int port)
    {
        var selecting = policies.Where(p => Matches(p["spec"]?["podSelector"]?["matchLabels"] as JsonObject, self)
            && (p["spec"]?["policyTypes"] as JsonArray ?? []).Any(t => t?.GetValue<string>() == type)).ToList();
        if (selecting.Count == 0) return true;
        return selecting.SelectMany(p => p["spec"]?[rulesName] as JsonArray ?? []).Any(rule =>
        {
            var peers = rule?[peersName] as JsonArray;
            var peerOk = peers is null || peers.Any(x => x?["namespaceSelector"] is null && x?["ipBlock"] is null
                && x?["podSelector"] is JsonObject selector && Matches(selector["matchLabels"] as JsonObject, peer));
            var ports = rule?["ports"] as JsonArray;
            var portOk = ports is null || ports.Any(x => x?["port"] is null || x["port"]!.ToJsonString() == port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return peerOk && portOk;
        });
    }

    private static bool Matches(JsonObject? matchLabels, JsonObject labels) =>
        matchLabels is null || matchLabels.All(l => labels[l.Key]?.GetValue<string>() == l.Value?.GetValue<string>());

    private static JsonObject Labels(params string[] pairs)
    {
        var labels = new JsonObject { ["app.kubernetes.io/part-of"] = "patient-experience" };
        for (var i = 0; i < pairs.Length; i += 2) labels[pairs[i]] = pairs[i + 1];
        return labels;
    }
}
