using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace PatientExperience.Intake.Tests;

/// <summary>A key committed in the repository for local runs never keys real patients' references.</summary>
public sealed class StartupValidationTests
{
    private const string CommittedPatientReferenceKey = "ZGV2LW9ubHktcGF0aWVudC1yZWZlcmVuY2Uta2V5LTMyLWJ5dGVzISE=";

    [Fact]
    public void Outside_development_the_patient_reference_key_committed_in_the_repository_is_refused()
    {
        using var app = new IntakeApp();
        using var committed = app.WithWebHostBuilder(b => b.UseSetting("Intake:PatientReferenceKey", CommittedPatientReferenceKey));

        var e = PatientExperience.Testing.HostStartFailure.Of(() => committed.CreateClient());

        var refusal = e as OptionsValidationException ?? (e as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(refusal);
        Assert.Contains("Intake:PatientReferenceKey is the development key committed in the repository", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(CommittedPatientReferenceKey, refusal.Message, StringComparison.Ordinal);
    }
}
