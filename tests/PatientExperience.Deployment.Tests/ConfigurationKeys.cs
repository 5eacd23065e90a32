using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PatientExperience.Deployment.Tests;

/// <summary>
/// The configuration keys a deployable reads, derived from its code so the list stays true as the code changes:
/// <list type="bullet">
/// <item>every options class in its assembly and the platform assemblies it references (a class with a <c>const string Section</c>),
/// each settable property as <c>Section:Property</c>, nested classes recursively, arrays as <c>Section:Property:0</c>;</item>
/// <item>every <c>const string ...ConnectionName</c> as <c>ConnectionStrings:&lt;value&gt;</c>;</item>
/// <item>YARP's cluster destinations for the clusters its route file declares;</item>
/// <item>the framework's own keys that deployments set, listed in <see cref="FrameworkKeys"/> (OpenTelemetry, Kestrel, ASP.NET Core).</item>
/// </list>
/// Keys compare case-insensitively, with <c>__</c> read as <c>:</c> (environment variables).
/// </summary>
public sealed partial class ConfigurationKeys
{
    /// <summary>Read by the .NET host, ASP.NET Core, Kestrel and the OpenTelemetry SDK rather than by our options classes.</summary>
    public static readonly string[] FrameworkKeys =
    [
        "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS",
        @"Kestrel:Endpoints:[^:]+:(Url|Protocols)", @"Logging:LogLevel:[^:]+",
    ];

    private static readonly Dictionary<string, ConfigurationKeys> Cache = new(StringComparer.Ordinal);

    private readonly List<Regex> _known = [];

    public string Deployable { get; }

    /// <summary>Keys that must be set: [Required] properties, with an empty default, of the options classes in the deployable's own assembly.</summary>
    public IReadOnlyList<string> Required { get; }

    public IReadOnlyList<string> Patterns => [.. _known.Select(r => r.ToString())];

    private ConfigurationKeys(Deployable deployable)
    {
        Deployable = deployable.Name;
        Assembly root;
        try
        {
            root = Assembly.Load(new AssemblyName(deployable.AssemblyName));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"{deployable.AssemblyName} is not loaded by the deployment tests: add a ProjectReference to {deployable.Project} in PatientExperience.Deployment.Tests.csproj.", e);
        }
        var required = new List<string>();
        foreach (var key in FrameworkKeys) Add(key);
        foreach (var type in PlatformAssemblies(root).SelectMany(LoadableTypes))
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (!field.IsLiteral || field.FieldType != typeof(string) || field.GetRawConstantValue() is not string value) continue;
                // Required keys only from the deployable's own options: a building block's options (Phi, Storage) bind only
                // where a service registers them, which reflection cannot see; the service's start-up check still names them.
                if (field.Name == "Section" && type.IsClass) AddProperties(value, type, type.Assembly == root ? required : [], depth: 0);
                else if (field.Name.EndsWith("ConnectionName", StringComparison.Ordinal)) Add(Regex.Escape($"ConnectionStrings:{value}"));
            }
        }
        foreach (var cluster in ProxyClusters(deployable)) Add($@"ReverseProxy:Clusters:{Regex.Escape(cluster)}:Destinations:[^:]+:Address");
        Required = required;
    }

    public static ConfigurationKeys For(Deployable deployable)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(deployable.Name, out var keys)) Cache[deployable.Name] = keys = new ConfigurationKeys(deployable);
            return keys;
        }
    }

    public static string Normalize(string key) => key.Replace("__", ":", StringComparison.Ordinal);

    public bool IsKnown(string key) => _known.Any(r => r.IsMatch(Normalize(key)));

    /// <summary>The problems with a deployable's settings as a deployment gives them: unknown keys and missing required keys.</summary>
    /// <param name="keys">Every key set (environment variables and config map keys).</param>
    /// <param name="composed">Values of the environment variables: a variable referenced as <c>$(NAME)</c> by another is a helper, not configuration.</param>
    public IEnumerable<string> Check(string where, IReadOnlyCollection<string> keys, IEnumerable<string> composed)
    {
        var helpers = composed.SelectMany(v => HelperReference().Matches(v).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys.Where(k => !helpers.Contains(k) && !IsKnown(k)))
            yield return $"{where}: {key} is not a configuration key {Deployable} reads";
        var set = keys.Select(Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var key in Required.Where(k => !set.Contains(k)))
            yield return $"{where}: {key} is required by {Deployable} and not set";
    }

    private void Add(string pattern) => _known.Add(new Regex($"^{pattern}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));

    private void AddProperties(string prefix, Type type, List<string> required, int depth)
    {
        if (depth > 5) return;
        object? defaults = null;
        try { defaults = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null; }
        catch (TargetInvocationException) { }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0) continue;
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsScalar(propertyType))
            {
                Add(Regex.Escape(key));
                if (property.GetCustomAttribute<RequiredAttribute>() is not null
                    && defaults is not null && string.IsNullOrWhiteSpace(property.GetValue(defaults)?.ToString()))
                    required.Add(key);
            }
            else if (propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                var element = propertyType.IsArray ? propertyType.GetElementType()! : propertyType.GetGenericArguments().LastOrDefault() ?? typeof(string);
                // A dictionary is keyed by name (Phi:PreviousKeys:<key id>), a list by index.
                var entry = typeof(IDictionary).IsAssignableFrom(propertyType) ? @"(:[^:]+)?" : @"(:[0-9]+)?";
                if (IsScalar(element)) Add(Regex.Escape(key) + entry);
                else if (element.IsClass) AddProperties($"{key}:[0-9]+", element, required: [], depth + 1);
            }
            else if (propertyType.IsClass)
            {
                AddProperties(key, propertyType, required, depth + 1);
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    private static IEnumerable<Assembly> PlatformAssemblies(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.GetName().Name! };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            yield return assembly;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is not { } name || !name.StartsWith("PatientExperience.", StringComparison.Ordinal) || !seen.Add(name)) continue;
                pending.Enqueue(Assembly.Load(reference));
            }
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }

    /// <summary>Cluster names of the YARP route files (JSON with a ReverseProxy section) in the deployable's project folder.</summary>
    private static IEnumerable<string> ProxyClusters(Deployable deployable)
    {
        foreach (var file in Directory.GetFiles(deployable.ProjectDirectory, "*.json"))
        {
            JsonNode? json;
            try { json = JsonNode.Parse(File.ReadAllText(file), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
            catch (System.Text.Json.JsonException) { continue; }
            if (json?["ReverseProxy"]?["Clusters"] is JsonObject clusters)
                foreach (var cluster in clusters) yield return cluster.Key;
        }
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex HelperReference();
}
