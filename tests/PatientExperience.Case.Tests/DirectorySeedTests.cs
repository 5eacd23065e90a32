using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientExperience.Case.Organisation;
using PatientExperience.Storage.Sqlite;

namespace PatientExperience.Case.Tests;

/// <summary>The demo health system is loaded into an empty directory only, so a restart never duplicates or overwrites it.</summary>
public sealed class DirectorySeedTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DemoDirectorySeeder SeederFor(DirectoryStore directory, bool seedDemo = true) => new(
        directory,
        Options.Create(new DirectoryOptions { SeedDemo = seedDemo }),
        app.Services.GetRequiredService<IHostEnvironment>(),
        NullLogger<DemoDirectorySeeder>.Instance);

    private static async Task<(SqliteDocumentStore Store, DirectoryStore Directory)> EmptyDirectoryAsync()
    {
        var store = new SqliteDocumentStore(CaseModule.ServiceName, path: null);
        var directory = new DirectoryStore(store);
        await store.InitializeAsync(Ct);
        return (store, directory);
    }

    [Fact]
    public async Task Adding_a_facility_that_exists_is_refused_and_changes_nothing()
    {
        var directory = app.Services.GetRequiredService<DirectoryStore>();
        var riverside = await directory.GetAsync(Samples.Riverside, Ct);
        Assert.NotNull(riverside);

        var added = await directory.TryAddAsync(riverside with { Name = "Renamed", Departments = [] }, Ct);

        Assert.False(added);
        Assert.Equal(3, await directory.CountAsync(Ct));
        var after = await directory.GetAsync(Samples.Riverside, Ct);
        Assert.Equal("Riverside General Hospital", after!.Name);
        Assert.Equal(5, after.Departments.Count);
    }

    [Fact]
    public async Task Starting_the_seeder_again_on_the_same_store_adds_nothing()
    {
        var directory = app.Services.GetRequiredService<DirectoryStore>();
        var seeder = Assert.Single(app.Services.GetServices<IHostedService>().OfType<DemoDirectorySeeder>());
        Assert.Equal(3, await directory.CountAsync(Ct));

        await seeder.StartAsync(Ct);
        await SeederFor(directory).StartAsync(Ct);

        Assert.Equal(3, await directory.CountAsync(Ct));
        Assert.Equal(3, (await directory.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task An_empty_directory_is_seeded_once_however_often_the_seeder_starts()
    {
        var (store, directory) = await EmptyDirectoryAsync();
        using var _ = store;

        await SeederFor(directory).StartAsync(Ct);
        await SeederFor(directory).StartAsync(Ct);

        Assert.Equal(3, await directory.CountAsync(Ct));
        Assert.Equal(new[] { Samples.Mesa, Samples.Riverside, Samples.StBrendans }, (await directory.ListAsync(Ct)).Select(f => f.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_directory_that_already_holds_facilities_is_not_seeded()
    {
        var (store, directory) = await EmptyDirectoryAsync();
        using var _ = store;
        await directory.TryAddAsync(new Facility { Id = "harbor-north", Name = "Harbor North", HealthSystem = "Harbor Health", TimeZone = "America/Chicago" }, Ct);

        await SeederFor(directory).StartAsync(Ct);

        Assert.Equal("harbor-north", Assert.Single(await directory.ListAsync(Ct)).Id);
    }

    [Fact]
    public async Task Without_SeedDemo_nothing_is_seeded()
    {
        var (store, directory) = await EmptyDirectoryAsync();
        using var _ = store;

        await SeederFor(directory, seedDemo: false).StartAsync(Ct);

        Assert.Equal(0, await directory.CountAsync(Ct));
    }
}

/// <summary>Two runs of the service on the same SQLite file: the directory is seeded once and cases survive the restart.</summary>
public sealed class RestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarting_on_the_same_store_keeps_the_directory_and_the_cases_without_duplicating_either()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("pxp-case-tests-").FullName;
        try
        {
            var submitted = Samples.Feedback(Samples.Mesa, "oncology", "infusion", "staff", "question");
            Cases.CaseFile opened;
            await using (var first = new CaseApp { DataDirectory = dataDirectory })
            {
                Assert.Equal(3, (await first.CreateClient().GetFromJsonAsync<List<Facility>>("/api/v1/facilities", Ct))!.Count);
                opened = (await first.OpenCaseAsync(submitted)).Document;
            }

            Assert.True(File.Exists(Path.Combine(dataDirectory, "case.db")));

            await using var second = new CaseApp { DataDirectory = dataDirectory };
            var facilities = await second.CreateClient().GetFromJsonAsync<List<Facility>>("/api/v1/facilities", Ct);
            Assert.Equal(3, facilities!.Count);
            Assert.Equal(3, await second.Services.GetRequiredService<DirectoryStore>().CountAsync(Ct));
            Assert.DoesNotContain(second.Logs.Entries, e => e.Message.Contains("Seeded the demo health system", StringComparison.Ordinal));

            var reloaded = await second.Cases.GetAsync(opened.Id, Ct);
            Assert.NotNull(reloaded);
            Assert.Equivalent(opened, reloaded.Document, strict: true);

            // The same event arriving after the restart still finds its case.
            await second.Harness.Bus.Publish(submitted, Ct);
            await Eventually.UntilAsync(() => second.ConsumedFor(submitted.SubmissionId).Count == 1, "the redelivery to be consumed");
            Assert.Null(second.ConsumedFor(submitted.SubmissionId).Single().Exception);
            Assert.Equal(1, await second.CaseCountForAsync(submitted.SubmissionId));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
