using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.ServiceDefaults.OpenApi;

/// <summary>
/// Describes every vocabulary enum (a type carrying <see cref="WireEnumConverter{T}"/>) as the string enum it is on the wire:
/// the generator does not read the platform's own converter, and would otherwise show numbers or nothing.
/// </summary>
internal static class WireEnumSchemas
{
    private static readonly MethodInfo AllOf = typeof(Wire).GetMethod(nameof(Wire.All))!;

    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (IsWireEnum(type))
        {
            schema.Type = JsonSchemaType.String;
            schema.Format = null;
            schema.Enum = Values(type);
        }
        else if (ElementOf(type) is { } element && IsWireEnum(element) && schema.Items is null)
        {
            // A list of a vocabulary enum: the generator leaves its items undescribed.
            schema.Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(element) };
        }
        return Task.CompletedTask;
    });

    private static List<JsonNode> Values(Type wireEnum) =>
        ((IReadOnlyList<string>)AllOf.MakeGenericMethod(wireEnum).Invoke(null, null)!).Select(v => (JsonNode)JsonValue.Create(v)).ToList();

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(type) ? element
        : null;

    internal static bool IsWireEnum(Type type) =>
        type.IsEnum && type.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType is { IsGenericType: true } converter
        && converter.GetGenericTypeDefinition() == typeof(WireEnumConverter<>);
}
