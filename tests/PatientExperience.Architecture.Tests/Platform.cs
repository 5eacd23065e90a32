using System.Reflection;

namespace PatientExperience.Architecture.Tests;

/// <summary>The assemblies the rules speak about, found by name so a rule never depends on a type it would have to change.</summary>
internal static class Platform
{
    public const string Prefix = "PatientExperience.";

    /// <summary>Each service by the namespace root its code lives under (the gateway is a service here too: it owns no data).</summary>
    public static readonly IReadOnlyList<string> Services = ["Intake", "Case", "Notification", "Survey", "Reporting", "Gateway"];

    /// <summary>Building blocks every service may use; they must not know any service.</summary>
    public static readonly IReadOnlyList<string> BuildingBlocks = ["ServiceDefaults", "Messaging", "Storage"];

    public const string Contracts = "Contracts";

    public static Assembly Load(string name) => Assembly.Load(Prefix + name);

    /// <summary>The namespace root of a part, with the trailing dot so that <c>Case</c> never matches <c>Contracts.Case</c> or <c>CaseX</c>.</summary>
    public static string Root(string name) => Prefix + name + ".";

    public static IEnumerable<string> RootsExcept(IEnumerable<string> parts, string except) =>
        parts.Where(p => p != except).Select(Root);
}
