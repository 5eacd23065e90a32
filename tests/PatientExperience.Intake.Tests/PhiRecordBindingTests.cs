using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Intake.Feedback;
using PatientExperience.Storage;
using PatientExperience.Storage.Phi;

namespace PatientExperience.Intake.Tests;

/// <summary>
/// Intake's stored PHI is bound to its submission: a value copied onto another submission does not decrypt there (and the
/// error tells nothing), and intake's re-encryption rewrites a value written before the binding so it reads as before.
/// </summary>
public sealed class PhiRecordBindingTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDocumentCollection<JsonObject> Submissions =>
        app.Services.GetRequiredKeyedService<IDocumentStore>(IntakeModule.ServiceName).Collection<JsonObject>(SubmissionStore.Definition);

    private async Task<Guid> SubmitAsync(string description)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(description), Ct);
        return (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
    }

    private async Task SetProtectedContentAsync(Guid id, string value)
    {
        var stored = (await Submissions.GetAsync(id.ToString(), Ct))!;
        stored.Document["protectedContent"] = value;
        await Submissions.ReplaceAsync(stored.Id, stored.Document, stored.Version, [], Ct);
    }

    private async Task<string> ProtectedContentAsync(Guid id) => (await Submissions.GetAsync(id.ToString(), Ct))!.Document["protectedContent"]!.GetValue<string>();

    [Fact]
    public async Task A_patients_details_copied_onto_another_submission_do_not_decrypt_there_and_the_error_shows_nothing()
    {
        var janes = await SubmitAsync("Jane Marker-7731 waited nine hours in the emergency department.");
        var other = await SubmitAsync("Another concern about parking.");

        await SetProtectedContentAsync(other, await ProtectedContentAsync(janes));
        var response = await app.ClientFor("patient-relations", "*").GetAsync($"/api/v1/feedback/{other}", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("Marker-7731", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Messages, line => line.Contains("Marker-7731", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_written_before_records_were_bound_is_rewritten_by_re_encryption_and_reads_as_before()
    {
        const string description = "The night nurse was kind but the call bell went unanswered.";
        var id = await SubmitAsync(description);
        var phi = app.Services.GetRequiredService<IntakePhiProtector>();
        await SetProtectedContentAsync(id, FormatOne(IntakeApp.PhiKey, "k1", phi.Unprotect(await ProtectedContentAsync(id), Submission.RecordOf(id))));

        var report = await app.Services.GetRequiredKeyedService<PhiReEncryption>(IntakeModule.ServiceName).RunAsync(Ct);

        Assert.StartsWith("v2.k1:", await ProtectedContentAsync(id), StringComparison.Ordinal);
        Assert.Contains(report.Collections, c => c.Collection == SubmissionStore.Definition.Name && c.DocumentsRewritten >= 1);
        Assert.Equal(0, report.Remaining);
        var view = await app.ClientFor("patient-relations", "*").GetFromJsonAsync<SubmissionView>($"/api/v1/feedback/{id}", Ct);
        Assert.Equal(description, view!.Description);
    }

    /// <summary>A value as intake wrote it before records were bound: <c>keyId:base64(nonce|tag|ct)</c>, the key id the only authenticated data.</summary>
    private static string FormatOne(string key, string keyId, string plaintext)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(Convert.FromBase64String(key), 16);
        aes.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(28), output.AsSpan(12, 16), System.Text.Encoding.ASCII.GetBytes(keyId));
        return keyId + ":" + Convert.ToBase64String(output);
    }
}
