using System.Collections.Concurrent;
using System.Reflection;

namespace PatientExperience.Testing;

/// <summary>Where things are in this repository, seen from a test assembly's output folder.</summary>
public static class RepositoryPaths
{
    public const string SolutionFile = "PatientExperiencePlatform.sln";
    public const string TargetFramework = "net10.0";

    private static readonly string[] SkippedFolders = ["bin", "obj", "tests", "node_modules", "TestResults"];
    private static readonly ConcurrentDictionary<string, string> Projects = new(StringComparer.Ordinal);
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<string> LazyConfiguration = new(FindConfiguration);

    /// <summary>The folder holding <c>PatientExperiencePlatform.sln</c>, found by walking up from <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>Debug or Release: the configuration the test assembly itself was built in (from its output path).</summary>
    public static string Configuration => LazyConfiguration.Value;

    /// <summary>The folder of <c>&lt;projectName&gt;.csproj</c>, searched for outside bin, obj and tests.</summary>
    public static string ProjectDirectory(string projectName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectName);
        return Projects.GetOrAdd(projectName, FindProject);
    }

    /// <summary><c>&lt;project dir&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;projectName&gt;.dll</c>; throws when it has not been built.</summary>
    public static string BuiltAssembly(string projectName)
    {
        var path = Path.Combine(ProjectDirectory(projectName), "bin", Configuration, TargetFramework, projectName + ".dll");
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{projectName} has not been built in {Configuration} ({path} is missing). Build the solution first, or give the test project a ProjectReference to it.",
                path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }

    private static string FindConfiguration()
    {
        // .../bin/<Configuration>/net10.0/
        var parts = AppContext.BaseDirectory.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        if (bin >= 0 && bin + 1 < parts.Length) return parts[bin + 1];

        return Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";
    }

    private static string FindProject(string projectName)
    {
        var fileName = projectName + ".csproj";
        var found = new List<string>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(Root));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (File.Exists(Path.Combine(dir.FullName, fileName))) found.Add(dir.FullName);
            foreach (var child in dir.EnumerateDirectories())
            {
                if (child.Name.StartsWith('.') || SkippedFolders.Contains(child.Name, StringComparer.OrdinalIgnoreCase)) continue;
                if (child.Attributes.HasFlag(FileAttributes.ReparsePoint)) continue;
                pending.Push(child);
            }
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw new FileNotFoundException($"No {fileName} under {Root} (bin, obj and tests excluded)."),
            _ => throw new InvalidOperationException($"{fileName} is ambiguous: {string.Join(", ", found)}"),
        };
    }
}
