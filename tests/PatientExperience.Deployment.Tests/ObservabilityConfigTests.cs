using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PatientExperience.Deployment.Tests;

/// <summary>The collector, Prometheus and Grafana configuration under deploy/ (and the cluster's collector) hang together.</summary>
public sealed partial class ObservabilityConfigTests
{
    private const string Runbooks = "docs/operations.md";

    [Fact]
    public void Every_alert_links_to_a_runbook_section_that_exists()
    {
        var anchors = Headings().Matches(Repository.Read(Runbooks)).Select(m => Slug(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var rules = (Yaml.LoadFile("deploy/prometheus/alerts.yml")!["groups"] as JsonArray ?? [])
            .SelectMany(g => g?["rules"] as JsonArray ?? []).ToList();

        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var alert = rule?["alert"]?.GetValue<string>();
            var link = rule?["annotations"]?["runbook_url"]?.GetValue<string>() ?? "";
            Assert.False(string.IsNullOrWhiteSpace(rule?["expr"]?.GetValue<string>()), $"{alert} has no expression");
            Assert.StartsWith(Runbooks + "#", link, StringComparison.Ordinal);
            Assert.True(anchors.Contains(link[(Runbooks.Length + 1)..]), $"{alert} links to {link}, which is not a heading of {Runbooks}");
        }
    }

    [Fact]
    public void Every_platform_metric_the_dashboards_and_alerts_query_is_emitted_by_the_code_and_documented()
    {
        // The instruments the code creates ("pxp.x.y"), as Prometheus names: dots as underscores, then the unit's suffix and
        // _total for counters, which the collector's exporter appends.
        var emitted = Directory.EnumerateFiles(Repository.Root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => InstrumentName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.Replace('.', '_')))
            .SelectMany(name => new[] { "", "_seconds", "_milliseconds" }.SelectMany(unit => new[] { name + unit, name + unit + "_total" }))
            .ToHashSet(StringComparer.Ordinal);
        var docs = Repository.Read(Runbooks);
        var queries = Directory.GetFiles(Repository.PathOf("deploy/grafana/dashboards"), "*.json").Select(f => (Path.GetFileName(f), File.ReadAllText(f)))
            .Append(("alerts.yml", Repository.Read("deploy/prometheus/alerts.yml")));

        var checkedNames = 0;
        foreach (var (file, text) in queries)
        {
            // Labels the platform's attributes become (pxp.service, pxp.failure_reason) are not metrics.
            foreach (var name in PrometheusName().Matches(text).Select(m => HistogramSeries().Replace(m.Value, "")).Distinct()
                .Where(n => n is not ("pxp_service" or "pxp_failure_reason")))
            {
                Assert.True(emitted.Contains(name), $"{file} queries {name}, which no instrument of the code emits");
                Assert.True(docs.Contains($"`{name}`", StringComparison.Ordinal), $"{file} queries {name}, which {Runbooks} does not document");
                checkedNames++;
            }
        }

        Assert.True(checkedNames > 10, "the dashboards and alerts query the platform's metrics");
    }

    [GeneratedRegex(@"Create(?:Counter|Histogram|UpDownCounter|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<[^>]+>)?\(\s*""(pxp\.[a-z0-9_.]+)""")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"\bpxp_[a-z0-9_]+")]
    private static partial Regex PrometheusName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    [Fact]
    public void The_alerts_the_issue_asks_for_exist()
    {
        var alerts = (Yaml.LoadFile("deploy/prometheus/alerts.yml")!["groups"] as JsonArray ?? [])
            .SelectMany(g => g?["rules"] as JsonArray ?? []).Select(r => r?["alert"]?.GetValue<string>()).ToHashSet();

        foreach (var alert in new[] { "ErrorQueueNotEmpty", "OutboxStalled", "SchedulerLate", "SlaBreachesRising", "NotificationChannelFailing", "ServiceNotReady" })
            Assert.Contains(alert, alerts);
    }

    [Theory]
    [InlineData("deploy/otel-collector/config.yaml")]
    [InlineData("k8s/base/otel-collector/config.yaml")]
    public void The_collector_probes_every_service_and_exports_traces_and_metrics(string path)
    {
        var config = Yaml.LoadFile(path)!;
        var targets = (config["receivers"]?["httpcheck"]?["targets"] as JsonArray ?? []).Select(t => t?["endpoint"]?.GetValue<string>()).ToList();

        foreach (var deployable in Repository.Deployables)
            Assert.Contains($"http://{deployable.Name}:8080/health/ready", targets);
        var pipelines = config["service"]!["pipelines"]!;
        Assert.Contains("otlp", pipelines["traces"]!["receivers"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("prometheus", pipelines["metrics"]!["exporters"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public void Prometheus_scrapes_the_collector_and_RabbitMQ_and_loads_the_alerts()
    {
        var config = Yaml.LoadFile("deploy/prometheus/prometheus.yml")!;
        var targets = (config["scrape_configs"] as JsonArray ?? [])
            .SelectMany(s => s?["static_configs"] as JsonArray ?? []).SelectMany(s => s?["targets"] as JsonArray ?? [])
            .Select(t => t!.GetValue<string>()).ToList();

        Assert.Contains("otel-collector:8889", targets);
        Assert.Contains("rabbitmq:15692", targets);
        Assert.Contains("/etc/prometheus/alerts.yml", config["rule_files"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public void Every_dashboard_panel_queries_a_provisioned_data_source()
    {
        var sources = (Yaml.LoadFile("deploy/grafana/provisioning/datasources/datasources.yml")!["datasources"] as JsonArray ?? [])
            .Select(d => d?["uid"]?.GetValue<string>()).ToHashSet();
        var dashboards = Directory.GetFiles(Repository.PathOf("deploy/grafana/dashboards"), "*.json");

        Assert.NotEmpty(dashboards);
        foreach (var file in dashboards)
        {
            var panels = JsonNode.Parse(File.ReadAllText(file))!["panels"]!.AsArray();
            Assert.NotEmpty(panels);
            foreach (var panel in panels)
            {
                Assert.Contains(panel!["datasource"]?["uid"]?.GetValue<string>(), sources);
                Assert.All(panel["targets"]!.AsArray(), t => Assert.False(string.IsNullOrWhiteSpace(t!["expr"]?.GetValue<string>()), $"{Path.GetFileName(file)}: {panel["title"]} has an empty query"));
            }
        }
    }

    [Fact]
    public void Prometheus_accepts_the_configuration_and_the_alerts_fire_as_their_unit_tests_say()
    {
        var version = Tools.TryRun("promtool", ["--version"]);
        if (version is null) Assert.Skip("promtool is not installed (apt-get install prometheus); the alerts' unit tests did not run.");

        var rules = Tools.TryRun("promtool", ["test", "rules", Repository.PathOf("deploy/prometheus/alerts.test.yml")])!;
        Assert.True(rules.ExitCode == 0, rules.ToString());

        // The configuration names the rules where the container mounts them; check a copy that points at the repository's file.
        var config = Path.Combine(Path.GetTempPath(), $"pxp-prometheus-{Guid.NewGuid():N}.yml");
        File.WriteAllText(config, Repository.Read("deploy/prometheus/prometheus.yml")
            .Replace("/etc/prometheus/alerts.yml", Repository.PathOf("deploy/prometheus/alerts.yml"), StringComparison.Ordinal));
        try
        {
            var check = Tools.TryRun("promtool", ["check", "config", config])!;
            Assert.True(check.ExitCode == 0, check.ToString());
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces as '-'.</summary>
    public static string Slug(string heading) =>
        SlugDrop().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Headings();

    [GeneratedRegex(@"[^\p{L}\p{Nd} _-]")]
    private static partial Regex SlugDrop();
}
