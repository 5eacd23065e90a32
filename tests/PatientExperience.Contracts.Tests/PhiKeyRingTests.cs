using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Contracts.Tests;

/// <summary>
/// PHI encryption with a key ring: rotation keeps old values readable, a value is bound to its record, values written before
/// that binding still read, and the committed development key is refused outside Development.
/// </summary>
public sealed class PhiKeyRingTests
{
    private static readonly PhiRecord CaseA = new("case", Guid.Parse("0191f2c4-0000-7000-8000-00000000000a"));
    private static readonly PhiRecord CaseB = new("case", Guid.Parse("0191f2c4-0000-7000-8000-00000000000b"));

    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    /// <param name="withIntake">A second service in the process, as in the standalone host.</param>
    private static ServiceProvider Services(IDictionary<string, string?> settings, string environment = "Production", bool withIntake = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(environment));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhiProtection<CasePhi>(configuration, CasePhi.Name);
        if (withIntake) services.AddPhiProtection<IntakePhi>(configuration, IntakePhi.Name);
        return services.BuildServiceProvider();
    }

    private static IPhiProtector Protector(IDictionary<string, string?> settings) => Services(settings).GetRequiredService<CasePhi>();

    /// <summary>What a start-up check (ValidateOnStart) of the case service's ring says.</summary>
    private static PhiOptions CaseRing(ServiceProvider services) => services.GetRequiredService<IOptionsMonitor<PhiOptions>>().Get(CasePhi.Name);

    private sealed class CasePhi(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, Name)
    {
        public const string Name = "case";
    }

    private sealed class IntakePhi(IOptionsMonitor<PhiOptions> options) : ServicePhiProtector(options, Name)
    {
        public const string Name = "intake";
    }

    [Fact]
    public void After_a_rotation_new_values_use_the_new_key_and_old_values_still_read()
    {
        var before = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA, ["Phi:KeyId"] = "2025" });
        var old = before.Protect("Jane Roe", CaseA);

        var after = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026", ["Phi:PreviousKeys:2025"] = KeyA });
        var fresh = after.Protect("Jane Roe", CaseA);

        Assert.StartsWith("v2.2025:", old, StringComparison.Ordinal);
        Assert.StartsWith("v2.2026:", fresh, StringComparison.Ordinal);
        Assert.Equal("Jane Roe", after.Unprotect(old, CaseA));
        Assert.Equal("Jane Roe", after.Unprotect(fresh, CaseA));
        Assert.Equal(new PhiValueLabel("2025", BindsRecord: true, IsCurrent: false), after.Label(old));
        Assert.Equal(new PhiValueLabel("2026", BindsRecord: true, IsCurrent: true), after.Label(fresh));
    }

    [Fact]
    public void A_value_of_a_key_the_service_no_longer_holds_is_refused_without_showing_it()
    {
        var old = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA, ["Phi:KeyId"] = "2025" }).Protect("Jane Roe", CaseA);
        var after = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026" });

        var e = Assert.Throws<CryptographicException>(() => after.Unprotect(old, CaseA));
        Assert.Contains("Phi:PreviousKeys", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ciphertext_relabelled_with_another_key_id_does_not_decrypt()
    {
        var ring = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026", ["Phi:PreviousKeys:2025"] = KeyB });
        var value = ring.Protect("Jane Roe", CaseA);
        var old = FormatOne(KeyB, "2026", "Jane Roe");

        // Same key bytes under both ids: only the authenticated key id tells them apart, in both formats.
        Assert.ThrowsAny<CryptographicException>(() => ring.Unprotect("v2.2025:" + value["v2.2026:".Length..], CaseA));
        Assert.ThrowsAny<CryptographicException>(() => ring.Unprotect("2025:" + old["2026:".Length..], CaseA));
    }

    [Fact]
    public void A_value_moved_onto_another_record_does_not_decrypt_and_the_refusal_shows_no_patient_data()
    {
        var ring = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA, ["Phi:KeyId"] = "2026" });
        var janesName = ring.Protect("Jane Roe", CaseA);

        var e = Assert.Throws<CryptographicException>(() => ring.Unprotect(janesName, CaseB));
        Assert.Contains(CaseB.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("belongs to another record", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(janesName, e.Message, StringComparison.Ordinal);
        // The same id under another kind of record is another record too.
        Assert.Throws<CryptographicException>(() => ring.Unprotect(janesName, new PhiRecord("submission", CaseA.Id)));
        Assert.Equal("Jane Roe", ring.Unprotect(janesName, CaseA));
    }

    [Fact]
    public void A_value_written_before_the_record_was_bound_still_reads_on_any_record_and_is_labelled_for_rewriting()
    {
        var ring = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026", ["Phi:PreviousKeys:2025"] = KeyA });
        var underCurrentKey = FormatOne(KeyB, "2026", "Jane Roe");
        var underOldKey = FormatOne(KeyA, "2025", "John Doe");

        Assert.Equal("Jane Roe", ring.Unprotect(underCurrentKey, CaseA));
        Assert.Equal("John Doe", ring.Unprotect(underOldKey, CaseB));
        Assert.Equal(new PhiValueLabel("2026", BindsRecord: false, IsCurrent: false), ring.Label(underCurrentKey));
        Assert.Equal(new PhiValueLabel("2025", BindsRecord: false, IsCurrent: false), ring.Label(underOldKey));
    }

    [Fact]
    public void Reprotecting_rewrites_an_old_value_under_the_current_key_bound_to_its_record_and_leaves_a_current_one_alone()
    {
        var ring = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026", ["Phi:PreviousKeys:2025"] = KeyA });
        var current = ring.Protect("Jane Roe", CaseA);

        var rewritten = ring.Reprotect(FormatOne(KeyA, "2025", "John Doe"), CaseB);

        Assert.Same(current, ring.Reprotect(current, CaseA));
        Assert.True(ring.Label(rewritten).IsCurrent);
        Assert.Equal("John Doe", ring.Unprotect(rewritten, CaseB));
        Assert.Throws<CryptographicException>(() => ring.Unprotect(rewritten, CaseA));
        var withoutOldKey = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026" });
        Assert.Equal("John Doe", withoutOldKey.Unprotect(rewritten, CaseB));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-key-id")]
    [InlineData("v2.:abc")]
    [InlineData("2026:not base64!")]
    [InlineData("2026:AAAA")]
    public void A_malformed_value_is_a_cryptographic_exception(string value)
    {
        var ring = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026" });

        Assert.ThrowsAny<CryptographicException>(() => ring.Unprotect(value, CaseA));
    }

    /// <summary>A value as the protector wrote it before records were bound (format 1): <c>keyId:base64(nonce|tag|ct)</c>, the key id the only authenticated data.</summary>
    private static string FormatOne(string key, string keyId, string plaintext)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(Convert.FromBase64String(key), 16);
        aes.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(28), output.AsSpan(12, 16), System.Text.Encoding.ASCII.GetBytes(keyId));
        return keyId + ":" + Convert.ToBase64String(output);
    }

    [Fact]
    public void Outside_development_the_committed_development_key_stops_the_start()
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["Case:Phi:EncryptionKey"] = "ZGV2LW9ubHktcGhpLWtleS0zMi1ieXRlcy1sb25nISE=", ["Intake:Phi:EncryptionKey"] = KeyB,
        }, withIntake: true);

        var e = Assert.Throws<OptionsValidationException>(() => CaseRing(services));
        Assert.Contains("Case:Phi:EncryptionKey is a development key committed in the repository", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_development_the_committed_key_is_accepted()
    {
        using var services = Services(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = "ZGV2LW9ubHktcGhpLWtleS0zMi1ieXRlcy1sb25nISE=" }, "Development");

        var phi = services.GetRequiredService<CasePhi>();
        Assert.Equal("x", phi.Unprotect(phi.Protect("x", CaseA), CaseA));
    }

    [Theory]
    [InlineData("Phi:PreviousKeys:k1", "Phi:PreviousKeys:k1 has the id of the current key")]
    [InlineData("Phi:PreviousKeys:old", "Phi:PreviousKeys:old must be base64 of exactly 32 bytes")]
    [InlineData("Phi:KeyId", "Phi:KeyId must be")]
    public void A_malformed_key_ring_stops_the_start(string key, string message)
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["Phi:EncryptionKey"] = KeyA,
            [key] = key == "Phi:KeyId" ? "has:colon" : key.EndsWith("k1", StringComparison.Ordinal) ? KeyB : "c2hvcnQ=",
        });

        var e = Assert.Throws<OptionsValidationException>(() => CaseRing(services));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_service_in_one_process_reads_its_own_ring_and_cannot_decrypt_another_services_values()
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["Case:Phi:EncryptionKey"] = KeyA, ["Case:Phi:KeyId"] = "case-1",
            ["Intake:Phi:EncryptionKey"] = KeyB, ["Intake:Phi:KeyId"] = "intake-1",
        }, withIntake: true);
        var casePhi = services.GetRequiredService<CasePhi>();
        var intakePhi = services.GetRequiredService<IntakePhi>();

        var note = casePhi.Protect("Called the family back.", CaseA);

        Assert.StartsWith("v2.case-1:", note, StringComparison.Ordinal);
        Assert.Equal("Called the family back.", casePhi.Unprotect(note, CaseA));
        var e = Assert.Throws<CryptographicException>(() => intakePhi.Unprotect(note, CaseA));
        Assert.DoesNotContain("family", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_development_two_services_in_one_process_may_not_write_with_the_same_key()
    {
        using var shared = Services(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA }, withIntake: true);
        using var same = Services(new Dictionary<string, string?> { ["Case:Phi:EncryptionKey"] = KeyA, ["Intake:Phi:EncryptionKey"] = KeyA }, withIntake: true);

        var e = Assert.Throws<OptionsValidationException>(() => CaseRing(shared));
        Assert.Contains("Phi:EncryptionKey is also the current key of intake in this process", e.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => CaseRing(same));
        Assert.DoesNotContain(KeyA, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_may_share_a_previous_key_while_a_shared_key_is_retired_and_development_may_share_one()
    {
        using var retiring = Services(new Dictionary<string, string?>
        {
            ["Case:Phi:EncryptionKey"] = KeyB, ["Case:Phi:KeyId"] = "case-2", ["Case:Phi:PreviousKeys:k1"] = KeyA,
            ["Intake:Phi:EncryptionKey"] = Convert.ToBase64String(new byte[32]), ["Intake:Phi:KeyId"] = "intake-2", ["Intake:Phi:PreviousKeys:k1"] = KeyA,
        }, withIntake: true);
        using var development = Services(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA }, "Development", withIntake: true);

        Assert.Equal("case-2", CaseRing(retiring).KeyId);
        Assert.Equal(KeyA, CaseRing(development).EncryptionKey);
    }

    private sealed class FakeEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
