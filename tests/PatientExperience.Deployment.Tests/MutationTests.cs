using System.Text.Json.Nodes;

namespace PatientExperience.Deployment.Tests;

/// <summary>The checks catch what they are there for: a copy of a rendered manifest (or of the compose file) with one thing broken fails.</summary>
public sealed class MutationTests
{
    private static JsonObject Container(JsonArray objects, string deployment) =>
        ManifestRules.OfKind(objects, "Deployment").Single(d => ManifestRules.Name(d) == deployment)["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    [Fact]
    public void The_rendered_overlay_passes_before_it_is_broken()
    {
        var objects = Tools.Render("production");

        Assert.Empty(ManifestRules.Check(objects));
        Assert.Empty(ManifestRules.CheckConfiguration(objects));
    }

    [Fact]
    public void A_Deployment_without_its_readiness_probe_fails()
    {
        var objects = Tools.Render("production");
        Container(objects, "case").Remove("readinessProbe");

        Assert.Contains("Deployment/case container app has no readinessProbe", ManifestRules.Check(objects));
    }

    [Fact]
    public void A_Deployment_without_its_memory_limit_fails()
    {
        var objects = Tools.Render("production");
        Container(objects, "intake")["resources"]!["limits"]!.AsObject().Remove("memory");

        Assert.Contains("Deployment/intake container app has no resources.limits.memory", ManifestRules.Check(objects));
    }

    [Fact]
    public void A_container_that_may_escalate_privileges_or_write_its_root_filesystem_fails()
    {
        var objects = Tools.Render("production");
        var security = Container(objects, "notification")["securityContext"]!.AsObject();
        security.Remove("allowPrivilegeEscalation");
        security["readOnlyRootFilesystem"] = false;

        var problems = ManifestRules.Check(objects);

        Assert.Contains("Deployment/notification container app allows privilege escalation", problems);
        Assert.Contains("Deployment/notification container app has a writable root filesystem", problems);
    }

    [Fact]
    public void A_Service_whose_selector_no_longer_matches_fails()
    {
        var objects = Tools.Render("production");
        foreach (var service in ManifestRules.OfKind(objects, "Service").Where(s => ManifestRules.Name(s) is "gateway"))
            service["spec"]!["selector"]!["app.kubernetes.io/name"] = "gateway-old";

        Assert.Contains("Deployment/gateway has no Service whose selector matches its pods", ManifestRules.Check(objects));
    }

    [Fact]
    public void A_required_configuration_key_removed_from_a_ConfigMap_fails()
    {
        var objects = Tools.Render("production");
        var map = ManifestRules.OfKind(objects, "ConfigMap").Single(m => ManifestRules.Name(m).StartsWith("intake-settings", StringComparison.Ordinal));
        Assert.True(map["data"]!.AsObject().Remove("Intake__CaseGrpcAddress"));

        Assert.Contains("Deployment/intake: Intake:CaseGrpcAddress is required by intake and not set", ManifestRules.CheckConfiguration(objects));
    }

    [Fact]
    public void A_misspelt_configuration_key_fails()
    {
        var objects = Tools.Render("production");
        var map = ManifestRules.OfKind(objects, "ConfigMap").Single(m => ManifestRules.Name(m).StartsWith("notification-settings", StringComparison.Ordinal));
        map["data"]!["Notification__Retry__WindowMinuts"] = "90";

        Assert.Contains("Deployment/notification: Notification__Retry__WindowMinuts is not a configuration key notification reads", ManifestRules.CheckConfiguration(objects));
    }

    [Fact]
    public void A_secret_inlined_in_a_manifest_fails()
    {
        var objects = Tools.Render("production");
        objects.Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "pxp-platform-secrets" } });
        Container(objects, "case")["env"]!.AsArray().Add(new JsonObject { ["name"] = "Phi__EncryptionKey", ["value"] = "c2VjcmV0" });

        var problems = ManifestRules.Check(objects);

        Assert.Contains("Secret/pxp-platform-secrets is inlined: secrets are referenced (secretKeyRef), never part of the manifests", problems);
        Assert.Contains("Deployment/case container app sets Phi__EncryptionKey inline: secrets come from secretKeyRef", problems);
    }

    [Fact]
    public void An_object_that_breaks_the_Kubernetes_schema_fails_validation()
    {
        var objects = Tools.Render("dev");
        Container(objects, "case")["ports"]![0]!["containerPort"] = "eighty";

        var result = Tools.ValidateSchemas(objects);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("invalid apps/v1 Deployment/case", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_with_a_missing_required_key_an_unknown_key_a_latest_image_or_a_public_port_fails()
    {
        var compose = ComposeRules.Load();
        var services = compose["services"]!;
        services["intake"]!["environment"]!.AsObject().Remove("Intake__CaseGrpcAddress");
        services["case"]!["environment"]!["Directory__SeedDemoo"] = "true";
        services["mailpit"]!["image"] = "axllent/mailpit:latest";
        services["jaeger"]!["ports"] = new JsonArray("16686:16686");
        services["grafana"]!["environment"]!["GF_SECURITY_ADMIN_PASSWORD"] = "admin";

        var problems = ComposeRules.Check(compose, Repository.Read(".env.example"));

        Assert.Contains("compose intake: Intake:CaseGrpcAddress is required by intake and not set", problems);
        Assert.Contains("compose case: Directory__SeedDemoo is not a configuration key case reads", problems);
        Assert.Contains("mailpit: image axllent/mailpit:latest is not pinned to a version", problems);
        Assert.Contains(problems, p => p.StartsWith("jaeger: port 16686:16686 is published on every address", StringComparison.Ordinal));
        Assert.Contains("grafana: GF_SECURITY_ADMIN_PASSWORD is written in the file; secrets come from .env (see .env.example)", problems);
    }

    [Fact]
    public void A_service_missing_from_compose_fails()
    {
        var compose = ComposeRules.Load();
        compose["services"]!.AsObject().Remove("notification");

        Assert.Contains("notification is not a service in docker-compose.yml", ComposeRules.Check(compose, Repository.Read(".env.example")));
    }
}
