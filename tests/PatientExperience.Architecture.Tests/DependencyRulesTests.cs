using NetArchTest.Rules;

namespace PatientExperience.Architecture.Tests;

/// <summary>
/// Who may depend on whom: each service talks to another only through contracts (messages and protos), never by
/// referencing its code; contracts and building blocks know no service.
/// </summary>
public sealed class DependencyRulesTests
{
    public static TheoryData<string> Services => new(Platform.Services);

    public static TheoryData<string> BuildingBlocks => new(Platform.BuildingBlocks);

    [Theory]
    [MemberData(nameof(Services))]
    public void A_service_references_no_other_service(string service)
    {
        var assembly = Platform.Load(service);
        var others = Platform.RootsExcept(Platform.Services, service).ToArray();

        var referenced = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => others.Contains(n + ".")).ToList();
        Assert.True(referenced.Count == 0, $"{service} references {string.Join(", ", referenced)}");

        AssertNoDependency(Types.InAssembly(assembly), others, $"{service} uses another service's types");
    }

    [Fact]
    public void Contracts_reference_no_service_and_no_building_block()
    {
        var forbidden = Platform.Services.Concat(Platform.BuildingBlocks).Select(Platform.Root).ToArray();
        var assembly = Platform.Load(Platform.Contracts);

        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => forbidden.Contains(a.Name + "."));
        AssertNoDependency(Types.InAssembly(assembly), forbidden, "contracts use a service's or building block's types");
    }

    [Theory]
    [MemberData(nameof(BuildingBlocks))]
    public void A_building_block_references_no_service(string block)
    {
        var assembly = Platform.Load(block);
        var services = Platform.Services.Select(Platform.Root).ToArray();

        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => services.Contains(a.Name + "."));
        AssertNoDependency(Types.InAssembly(assembly), services, $"{block} uses a service's types");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Endpoints_reach_storage_only_through_the_port(string service)
    {
        // The adapters (SQLite, MongoDB) and their drivers are chosen by configuration in one place; an endpoint that names
        // one would bypass the port and the conformance suite that proves both adapters behave alike.
        string[] adapters = ["PatientExperience.Storage.Sqlite", "PatientExperience.Storage.Mongo", "Microsoft.Data.Sqlite", "MongoDB.Driver", "MongoDB.Bson"];
        var endpoints = Types.InAssembly(Platform.Load(service)).That().HaveNameEndingWith("Api").Or().HaveNameEndingWith("GrpcService");

        AssertNoDependency(endpoints, adapters, $"{service} endpoints use a store implementation");
    }

    private static void AssertNoDependency(PredicateList types, string[] namespaces, string what) =>
        AssertNoDependency(types.Should(), namespaces, what);

    private static void AssertNoDependency(Types types, string[] namespaces, string what) =>
        AssertNoDependency(types.Should(), namespaces, what);

    private static void AssertNoDependency(Conditions should, string[] namespaces, string what)
    {
        var result = should.NotHaveDependencyOnAny(namespaces).GetResult();
        Assert.True(result.IsSuccessful, $"{what}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
