namespace PatientExperience.Deployment.Tests;

/// <summary>A process the platform deploys: a service under <c>services/</c> (with a Program.cs; not Standalone or AppHost) or the gateway.</summary>
/// <param name="Name">Its name in docker-compose and Kubernetes: the project folder's name in lower case (<c>intake</c>, <c>gateway</c>).</param>
/// <param name="Project">The .csproj path relative to the repository root, with forward slashes.</param>
/// <param name="AssemblyName">The .csproj's file name without extension.</param>
public sealed record Deployable(string Name, string Project, string AssemblyName)
{
    public string ProjectDirectory => Path.GetDirectoryName(Path.Combine(Repository.Root, Project))!;

    public override string ToString() => Name;
}

/// <summary>Where things are in this repository, and what it deploys.</summary>
public static class Repository
{
    private static readonly string[] NotDeployed = ["Standalone", "AppHost"];
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientExperiencePlatform.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds PatientExperiencePlatform.sln.");
    });

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Found on disk, so a service added under services/ is expected in every deployment without editing the tests.</summary>
    public static IReadOnlyList<Deployable> Deployables { get; } = FindDeployables();

    private static List<Deployable> FindDeployables()
    {
        var folders = Directory.GetDirectories(PathOf("services"))
            .Where(d => !NotDeployed.Contains(Path.GetFileName(d), StringComparer.OrdinalIgnoreCase))
            .Append(PathOf("gateway"));
        var found = new List<Deployable>();
        foreach (var folder in folders)
        {
            var projects = Directory.GetFiles(folder, "*.csproj");
            if (projects.Length != 1 || !File.Exists(Path.Combine(folder, "Program.cs"))) continue;
            found.Add(new Deployable(
                Path.GetFileName(folder).ToLowerInvariant(),
                Path.GetRelativePath(Root, projects[0]).Replace(Path.DirectorySeparatorChar, '/'),
                Path.GetFileNameWithoutExtension(projects[0])));
        }
        return [.. found.OrderBy(d => d.Name, StringComparer.Ordinal)];
    }
}
