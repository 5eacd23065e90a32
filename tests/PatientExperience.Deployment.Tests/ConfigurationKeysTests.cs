namespace PatientExperience.Deployment.Tests;

/// <summary>The key sets the other tests rely on are read from the code, not made up.</summary>
public sealed class ConfigurationKeysTests(ITestOutputHelper output)
{
    private static Deployable Named(string name) => Repository.Deployables.Single(d => d.Name == name);

    [Fact]
    public void The_deployables_are_the_services_with_a_program_and_the_gateway()
    {
        var names = Repository.Deployables.Select(d => d.Name).ToList();

        Assert.Contains("intake", names);
        Assert.Contains("case", names);
        Assert.Contains("notification", names);
        Assert.Contains("gateway", names);
        Assert.DoesNotContain("standalone", names);
        Assert.DoesNotContain("apphost", names);
        Assert.DoesNotContain("messaging", names);
    }

    [Fact]
    public void Keys_come_from_the_options_classes_and_connection_names_of_the_service_and_its_building_blocks()
    {
        var notification = ConfigurationKeys.For(Named("notification"));
        output.WriteLine(string.Join('\n', notification.Patterns));

        Assert.True(notification.IsKnown("Notification__Retry__WindowMinutes"));
        Assert.True(notification.IsKnown("Notification:DefaultChannels:High:0"));
        Assert.True(notification.IsKnown("Messaging__Outbox__Paused"));
        Assert.True(notification.IsKnown("Messaging__Scheduler__MaxWaitMs"));
        Assert.True(notification.IsKnown("ConnectionStrings__smtp"));
        Assert.True(notification.IsKnown("ConnectionStrings__mongo"));
        Assert.True(notification.IsKnown("Phi__EncryptionKey"));
        Assert.True(notification.IsKnown("Kestrel__Endpoints__Grpc__Protocols"));
        Assert.False(notification.IsKnown("Notification__Retry__WindowMinuts"));
        Assert.False(notification.IsKnown("Intake__CaseGrpcAddress"));
        Assert.Contains("Notification:CaseGrpcAddress", notification.Required);
        Assert.Contains("Notification:ConsoleBaseUrl", notification.Required);
    }

    [Fact]
    public void The_gateway_reads_its_proxy_clusters_but_not_the_broker_or_the_store()
    {
        var gateway = ConfigurationKeys.For(Named("gateway"));

        Assert.True(gateway.IsKnown("ReverseProxy__Clusters__case__Destinations__primary__Address"));
        Assert.True(gateway.IsKnown("Gateway__KnownNetworks__0"));
        Assert.False(gateway.IsKnown("ReverseProxy__Clusters__nowhere__Destinations__primary__Address"));
        Assert.False(gateway.IsKnown("ConnectionStrings__rabbitmq"));
        Assert.False(gateway.IsKnown("Storage__MongoDatabasePrefix"));
    }
}
