using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PatientExperience.Case.Directory;

/// <summary>Fills an empty directory with the demo health system when <c>Directory:SeedDemo</c> is set. Runs after the store is created.</summary>
internal sealed partial class DemoDirectorySeeder(DirectoryStore directory, IOptions<DirectoryOptions> options, IHostEnvironment environment, ILogger<DemoDirectorySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemo || await directory.CountAsync(cancellationToken) > 0) return;
        var path = Path.IsPathRooted(options.Value.DemoSeedFile) ? options.Value.DemoSeedFile : Path.Combine(AppContext.BaseDirectory, options.Value.DemoSeedFile);
        if (!File.Exists(path)) path = Path.Combine(environment.ContentRootPath, options.Value.DemoSeedFile);
        await using var file = File.OpenRead(path);
        var facilities = await JsonSerializer.DeserializeAsync<List<Facility>>(file, JsonSerializerOptions.Web, cancellationToken) ?? [];
        var added = 0;
        foreach (var f in facilities)
        {
            if (await directory.TryAddAsync(f, cancellationToken)) added++;
        }

        LogSeeded(logger, added);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo health system: {Count} facilities")]
    private static partial void LogSeeded(ILogger logger, int count);
}
