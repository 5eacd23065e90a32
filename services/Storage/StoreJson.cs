using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientExperience.Storage;

/// <summary>The one JSON shape documents are stored in: camelCase, enums as strings, nulls omitted.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        o.Converters.Add(new KebabEnumConverter());
        o.Converters.Add(new UtcDateTimeOffsetConverter());
        o.MakeReadOnly(true);
        return o;
    }

    /// <summary>A filter value as it appears in stored JSON (a string, number or boolean).</summary>
    internal static object? ToJsonScalar(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        int or long or short => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        double or float or decimal => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => JsonSerializer.SerializeToElement(value, Options) is { ValueKind: JsonValueKind.String } e ? e.GetString() : value.ToString(),
    };

    /// <summary>
    /// Enums without a converter of their own as kebab-case strings. An enum that names its converter (the vocabulary of
    /// contracts/) keeps it: a converter in the options would otherwise take precedence over the one on the type.
    /// </summary>
    private sealed class KebabEnumConverter : JsonConverterFactory
    {
        private readonly JsonStringEnumConverter _inner = new(JsonNamingPolicy.KebabCaseLower);

        public override bool CanConvert(Type typeToConvert) =>
            _inner.CanConvert(typeToConvert) && !typeToConvert.IsDefined(typeof(JsonConverterAttribute), inherit: false);

        public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) => _inner.CreateConverter(typeToConvert, options);
    }

    /// <summary>Instants are stored in UTC with a fixed width, so string order is time order in both adapters.</summary>
    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}
