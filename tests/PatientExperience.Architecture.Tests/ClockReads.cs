using Mono.Cecil;
using Mono.Cecil.Cil;

namespace PatientExperience.Architecture.Tests;

/// <summary>
/// Finds code that reads the system clock directly (<c>DateTime.Now/UtcNow/Today</c>, <c>DateTimeOffset.Now/UtcNow</c>)
/// by reading the IL of every method, lambdas and async state machines included. Time must come from the injected
/// <see cref="TimeProvider"/>, so tests can move it and deadlines are computed from one clock.
/// </summary>
internal static class ClockReads
{
    private static readonly HashSet<string> ClockProperties =
    [
        "System.DateTime System.DateTime::get_Now()",
        "System.DateTime System.DateTime::get_UtcNow()",
        "System.DateTime System.DateTime::get_Today()",
        "System.DateTimeOffset System.DateTimeOffset::get_Now()",
        "System.DateTimeOffset System.DateTimeOffset::get_UtcNow()",
    ];

    /// <summary>Each place as "Type.Method reads DateTime.UtcNow", named by the outermost declaring type of the code.</summary>
    public static IReadOnlyList<string> In(string assemblyPath, Func<TypeDefinition, bool>? include = null)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        var found = new List<string>();
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var owner = Outermost(type);
            if (include is not null && !include(owner)) continue;
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                foreach (var instruction in method.Body.Instructions)
                {
                    if (instruction.OpCode.Code is not (Code.Call or Code.Callvirt) || instruction.Operand is not MethodReference called) continue;
                    if (!ClockProperties.Contains(called.FullName)) continue;
                    found.Add($"{owner.FullName} ({type.Name}.{method.Name}) reads {called.DeclaringType.Name}.{called.Name["get_".Length..]}");
                }
            }
        }
        return found.Distinct().ToList();
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }
}
