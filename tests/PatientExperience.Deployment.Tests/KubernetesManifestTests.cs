using System.Text.Json.Nodes;

namespace PatientExperience.Deployment.Tests;

/// <summary>Both overlays render, validate against the Kubernetes schemas and follow the platform's rules.</summary>
public sealed class KubernetesManifestTests(ITestOutputHelper output)
{
    public static TheoryData<string> Overlays => ["dev", "production"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_rendered_object_is_valid_against_the_Kubernetes_schemas(string overlay)
    {
        var result = Tools.ValidateSchemas(Tools.Render(overlay));

        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" 0 invalid", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_Deployment_has_probes_resources_a_security_context_and_a_Service(string overlay)
    {
        var problems = ManifestRules.Check(Tools.Render(overlay));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_configuration_key_in_the_ConfigMaps_and_env_is_one_the_service_reads(string overlay)
    {
        var problems = ManifestRules.CheckConfiguration(Tools.Render(overlay));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_deployable_service_has_a_Deployment_Services_and_a_NetworkPolicy(string overlay)
    {
        var objects = Tools.Render(overlay);
        var policies = ManifestRules.OfKind(objects, "NetworkPolicy").ToList();

        Assert.NotEmpty(Repository.Deployables);
        foreach (var deployable in Repository.Deployables)
        {
            Assert.Contains(ManifestRules.OfKind(objects, "Deployment"), d => ManifestRules.Name(d) == deployable.Name);
            Assert.Contains(ManifestRules.OfKind(objects, "Service"), s => ManifestRules.Name(s) == deployable.Name);
            Assert.Contains(policies, p => p["spec"]?["podSelector"]?["matchLabels"]?["app.kubernetes.io/name"]?.GetValue<string>() == deployable.Name);
        }
        Assert.Contains(policies, p => p["spec"]?["podSelector"] is JsonObject { Count: 0 } && p["spec"]?["ingress"] is null && p["spec"]?["egress"] is null);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void gRPC_Services_are_headless_and_the_clients_balance_over_their_pods_with_dns_addresses(string overlay)
    {
        var grpc = ManifestRules.OfKind(Tools.Render(overlay), "Service")
            .Where(s => (s["spec"]?["ports"] as JsonArray ?? []).Any(p => p?["name"]?.GetValue<string>() == "grpc")).ToList();

        Assert.NotEmpty(grpc);
        Assert.All(grpc, s => Assert.Equal("None", s["spec"]?["clusterIP"]?.GetValue<string>()));

        // Every client is given a dns:/// address of one of them and its gRPC port, so it balances over every pod it resolves.
        var addresses = ManifestRules.OfKind(Tools.Render(overlay), "ConfigMap")
            .SelectMany(m => (m["data"] as JsonObject ?? []).Where(kv => kv.Key.EndsWith("GrpcAddress", StringComparison.Ordinal)))
            .ToList();
        Assert.NotEmpty(addresses);
        Assert.All(addresses, kv =>
        {
            var address = kv.Value!.GetValue<string>();
            Assert.StartsWith("dns:///", address, StringComparison.Ordinal);
            var (host, port) = (address["dns:///".Length..].Split(':')[0], int.Parse(address.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(grpc, s => ManifestRules.Name(s) == host
                && (s["spec"]?["ports"] as JsonArray ?? []).Any(p => p?["name"]?.GetValue<string>() == "grpc" && p?["port"]?.GetValue<long>() == port));
        });
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_gateway_keeps_a_client_on_one_replica_and_divides_its_rate_limits_by_the_most_replicas_that_run(string overlay)
    {
        var objects = Tools.Render(overlay);

        var service = ManifestRules.OfKind(objects, "Service").Single(s => ManifestRules.Name(s) == "gateway");
        Assert.Equal("ClientIP", service["spec"]?["sessionAffinity"]?.GetValue<string>());
        var ingress = ManifestRules.OfKind(objects, "Ingress").Single(i => ManifestRules.Name(i) == "gateway");
        Assert.Equal("$remote_addr", ingress["metadata"]?["annotations"]?["nginx.ingress.kubernetes.io/upstream-hash-by"]?.GetValue<string>());

        // Each replica allows a client limit / Gateway:RateLimits:Replicas: that must count every replica that can run.
        var deployment = ManifestRules.OfKind(objects, "Deployment").Single(d => ManifestRules.Name(d) == "gateway");
        var maps = (deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"] as JsonArray ?? [])
            .Select(e => e?["configMapRef"]?["name"]?.GetValue<string>()).ToHashSet();
        var replicasSetting = ManifestRules.OfKind(objects, "ConfigMap").Where(m => maps.Contains(ManifestRules.Name(m)))
            .Select(m => m["data"]?["Gateway__RateLimits__Replicas"]?.GetValue<string>()).Single(v => v is not null);
        var replicas = int.Parse(replicasSetting!, System.Globalization.CultureInfo.InvariantCulture);
        var hpa = ManifestRules.OfKind(objects, "HorizontalPodAutoscaler").Single(h => ManifestRules.Name(h) == "gateway");
        Assert.True(replicas >= hpa["spec"]!["maxReplicas"]!.GetValue<long>(), $"Gateway:RateLimits:Replicas {replicas} is below the HPA's maxReplicas");
        Assert.True(replicas >= deployment["spec"]!["replicas"]!.GetValue<long>(), $"Gateway:RateLimits:Replicas {replicas} is below the Deployment's replicas");
    }

    [Fact]
    public void Production_runs_three_broker_nodes_three_database_members_several_replicas_and_TLS()
    {
        var objects = Tools.Render("production");

        Assert.Equal(3, ManifestRules.OfKind(objects, "RabbitmqCluster").Single()["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal(3, ManifestRules.OfKind(objects, "MongoDBCommunity").Single()["spec"]!["members"]!.GetValue<long>());
        Assert.Equal("quorum", ManifestRules.OfKind(objects, "Vhost").Single()["spec"]!["defaultQueueType"]!.GetValue<string>());
        foreach (var deployable in Repository.Deployables)
        {
            var hpa = ManifestRules.OfKind(objects, "HorizontalPodAutoscaler").Single(h => ManifestRules.Name(h) == deployable.Name);
            Assert.True(hpa["spec"]!["minReplicas"]!.GetValue<long>() >= 2, $"{deployable.Name} scales down to one replica in production");
        }
        var ingress = ManifestRules.OfKind(objects, "Ingress").Single();
        Assert.NotNull(ingress["spec"]?["tls"]?[0]?["secretName"]);
    }
}
