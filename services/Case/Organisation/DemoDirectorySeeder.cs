using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PatientExperience.Case.Organisation;

/// <summary>The demo health system as the seed file holds it: facilities, people, one escalation chain and one triage rota per facility.</summary>
public sealed record DirectorySeed
{
    public IReadOnlyList<Facility> Facilities { get; init; } = [];
    public IReadOnlyList<Person> People { get; init; } = [];
    public IReadOnlyList<EscalationChain> EscalationChains { get; init; } = [];
    /// <summary>Who is on duty to triage critical concerns from the public form (a day and a night shift per facility in the demo).</summary>
    public IReadOnlyList<TriageRota> TriageRotas { get; init; } = [];
    /// <summary>Facilities whose new cases are assigned to advocates automatically (<c>{"facilityId","mode"}</c>).</summary>
    public IReadOnlyList<SeededAssignmentPolicy> AssignmentPolicies { get; init; } = [];

    /// <summary>Reads a seed file: an object with <c>facilities</c>, <c>people</c> and <c>escalationChains</c>, or (older files) an array of facilities.</summary>
    public static async Task<DirectorySeed> ReadAsync(Stream json, CancellationToken ct)
    {
        using var document = await JsonDocument.ParseAsync(json, cancellationToken: ct);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? new DirectorySeed { Facilities = document.RootElement.Deserialize<List<Facility>>(JsonSerializerOptions.Web) ?? [] }
            : document.RootElement.Deserialize<DirectorySeed>(JsonSerializerOptions.Web) ?? new DirectorySeed();
    }
}

public sealed record SeededAssignmentPolicy(string FacilityId, Contracts.Vocabulary.AssignmentMode Mode);

/// <summary>
/// Fills an empty directory with the demo health system when <c>Directory:SeedDemo</c> is set. Runs after the store is created.
/// People, escalation chains and triage rotas are written before the facilities, so a start interrupted half-way seeds again next time
/// (the directory counts as seeded once it holds a facility).
/// </summary>
internal sealed partial class DemoDirectorySeeder(DirectoryStore directory, IOptions<DirectoryOptions> options, IHostEnvironment environment, ILogger<DemoDirectorySeeder> logger,
    Advocacy.AssignmentPolicyStore? assignmentPolicies = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemo || await directory.CountAsync(cancellationToken) > 0) return;
        var path = Path.IsPathRooted(options.Value.DemoSeedFile) ? options.Value.DemoSeedFile : Path.Combine(AppContext.BaseDirectory, options.Value.DemoSeedFile);
        if (!File.Exists(path)) path = Path.Combine(environment.ContentRootPath, options.Value.DemoSeedFile);
        DirectorySeed seed;
        await using (var file = File.OpenRead(path))
        {
            seed = await DirectorySeed.ReadAsync(file, cancellationToken);
        }

        var people = 0;
        foreach (var p in seed.People)
        {
            if (await directory.TryAddPersonAsync(p, cancellationToken)) people++;
        }

        foreach (var c in seed.EscalationChains) await directory.TryAddChainAsync(c, cancellationToken);
        foreach (var r in seed.TriageRotas) await directory.TryAddRotaAsync(r, cancellationToken);
        if (options.Value.SeedAssignmentPolicies && assignmentPolicies is not null)
        {
            foreach (var a in seed.AssignmentPolicies)
                await assignmentPolicies.TryAddAsync(Advocacy.AssignmentPolicy.Default(a.FacilityId).Set(a.Mode, "demo-seed", DateTimeOffset.UnixEpoch)!, cancellationToken);
        }

        var added = 0;
        foreach (var f in seed.Facilities)
        {
            if (await directory.TryAddAsync(f, cancellationToken)) added++;
        }

        LogSeeded(logger, added, people);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo health system: {Count} facilities, {People} people")]
    private static partial void LogSeeded(ILogger logger, int count, int people);
}
