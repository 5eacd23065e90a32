namespace PatientExperience.Deployment.Tests;

public sealed class ComposeTests(ITestOutputHelper output)
{
    [Fact]
    public void Compose_runs_every_service_with_only_keys_it_reads_pinned_images_no_secrets_and_nothing_published_beyond_localhost()
    {
        var problems = ComposeRules.Check(ComposeRules.Load(), Repository.Read(".env.example"));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Compose_has_the_observability_stack_and_the_mail_catcher()
    {
        var services = ComposeRules.Load()["services"]!.AsObject();

        foreach (var name in new[] { "rabbitmq", "mongo", "otel-collector", "jaeger", "prometheus", "grafana", "mailpit" })
            Assert.True(services.ContainsKey(name), $"docker-compose.yml has no {name}");
        foreach (var deployable in Repository.Deployables)
        {
            var environment = ComposeRules.Environment(services[deployable.Name]).ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal("http://otel-collector:4317", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal(deployable.Name, environment["OTEL_SERVICE_NAME"]);
        }
    }

    [Fact]
    public void Docker_compose_config_accepts_the_file()
    {
        var version = Tools.TryRun("docker", ["compose", "version"]);
        if (version is null) Assert.Skip("the docker CLI is not installed.");
        if (version.ExitCode != 0) Assert.Skip($"the docker CLI has no compose plugin here ({version.Error.Trim().Split('\n')[0]}).");

        var result = Tools.TryRun("docker", ["compose", "--env-file", Repository.PathOf(".env.example"), "-f", Repository.PathOf("docker-compose.yml"), "config", "--quiet"])!;

        output.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
