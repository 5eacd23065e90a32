using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// The JSON form of every vocabulary enum: its <see cref="Wire"/> string (lower-case kebab, <c>PatientRelations</c> is
/// <c>patient-relations</c>, unless a member names itself with <see cref="JsonStringEnumMemberNameAttribute"/>), also as a
/// dictionary key. Reading is exact: another case, a number or an unknown string is a <see cref="JsonException"/> (so a
/// 400 for an HTTP body). Put on the type, so HTTP bodies, MassTransit messages and stored documents all agree.
/// </summary>
public sealed class WireEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? FromWire(reader.GetString()) : throw Unknown(reader.TokenType.ToString());

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToWire());

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => FromWire(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(value.ToWire());

    private static T FromWire(string? wire) => Wire.TryParse<T>(wire, out var value) ? value : throw Unknown("The value");

    private static JsonException Unknown(string what) =>
        new($"{what} is not a {typeof(T).Name}: expected one of {string.Join(", ", Wire.All<T>())}.");
}
