using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PatientExperience.Deployment.Tests;

/// <summary>
/// YAML as <see cref="JsonNode"/>s: plain scalars keep their YAML type (integers, booleans, null), quoted ones stay strings,
/// and merge keys (<c>&lt;&lt;: *anchor</c>, as docker-compose.yml uses them) are applied as YAML 1.1 defines them.
/// </summary>
public static partial class Yaml
{
    public static List<JsonNode?> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new Parser(new StringReader(text)));
        return [.. stream.Documents.Select(d => ToJson(d.RootNode))];
    }

    public static JsonNode? Load(string text) => LoadAll(text).Single();

    public static JsonNode? LoadFile(string relative) => Load(Repository.Read(relative));

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    /// <summary>A mapping's own keys, then those of the mappings merged into it (<c>&lt;&lt;</c>) that it does not set itself.</summary>
    private static JsonObject Mapping(YamlMappingNode map)
    {
        var result = new JsonObject();
        var merged = new List<YamlMappingNode>();
        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (name == "<<" && ((YamlScalarNode)key).Style is ScalarStyle.Plain)
                merged.AddRange(value is YamlSequenceNode list ? list.Children.Cast<YamlMappingNode>() : [(YamlMappingNode)value]);
            else
                result[name] = ToJson(value);
        }
        foreach (var source in merged)
            foreach (var (key, value) in Mapping(source))
                if (!result.ContainsKey(key)) result[key] = value?.DeepClone();
        return result;
    }

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain) return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
