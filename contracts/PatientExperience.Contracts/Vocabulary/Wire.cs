using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// The one way between a vocabulary value and its wire string, for the places JSON does not reach: claims, query strings,
/// gRPC fields (protos stay string), configuration, and the validation of request bodies that keep string properties.
/// Matches exactly (ordinal, no numbers), as the JSON converter does.
/// </summary>
public static class Wire
{
    /// <summary>The wire string of a value, e.g. <c>Severity.Critical</c> is <c>critical</c>.</summary>
    public static string ToWire<T>(this T value) where T : struct, Enum =>
        Names<T>.ByValue.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(T).Name}.");

    /// <summary>The wire string of a value, or null.</summary>
    public static string? ToWire<T>(this T? value) where T : struct, Enum => value is { } v ? v.ToWire() : null;

    /// <summary>Reads a wire string; false for null, an unknown string, a different case or a number.</summary>
    public static bool TryParse<T>([NotNullWhen(true)] string? wire, out T value) where T : struct, Enum
    {
        if (wire is not null && Names<T>.ByName.TryGetValue(wire, out value)) return true;
        value = default;
        return false;
    }

    /// <summary>Reads a wire string that must be valid (configuration, stored data, a proto field the service itself wrote).</summary>
    /// <exception cref="FormatException">Not a value of <typeparamref name="T"/>.</exception>
    public static T Parse<T>(string wire) where T : struct, Enum =>
        TryParse<T>(wire, out var value) ? value : throw new FormatException($"'{wire}' is not a {typeof(T).Name}: expected one of {string.Join(", ", Names<T>.All)}.");

    /// <summary>A wire string or null; null for null, throws for an unknown string.</summary>
    public static T? ParseOptional<T>(string? wire) where T : struct, Enum => wire is null ? null : Parse<T>(wire);

    /// <summary>Every value's wire string, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Names<T>.All;

    /// <summary>Every value, in declaration order.</summary>
    public static IReadOnlyList<T> Values<T>() where T : struct, Enum => Names<T>.Values;

    private static class Names<T> where T : struct, Enum
    {
        public static readonly IReadOnlyList<T> Values = Enum.GetValues<T>();
        public static readonly FrozenDictionary<T, string> ByValue = Values.ToFrozenDictionary(v => v, NameOf);
        public static readonly FrozenDictionary<string, T> ByName = Values.ToFrozenDictionary(NameOf, v => v, StringComparer.Ordinal);
        public static readonly IReadOnlyList<string> All = Values.Select(NameOf).ToArray();

        private static string NameOf(T value)
        {
            var member = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)!;
            return member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.KebabCaseLower.ConvertName(member.Name);
        }
    }
}
