using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Contracts.Tests;

/// <summary>PHI encryption with a key ring: rotation keeps old values readable, and the committed development key is refused outside Development.</summary>
public sealed class PhiKeyRingTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private static ServiceProvider Services(IDictionary<string, string?> settings, string environment = "Production")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(environment));
        services.AddPhiProtection(configuration);
        return services.BuildServiceProvider();
    }

    private static IPhiProtector Protector(IDictionary<string, string?> settings) => Services(settings).GetRequiredService<IPhiProtector>();

    [Fact]
    public void After_a_rotation_new_values_use_the_new_key_and_old_values_still_read()
    {
        var before = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA, ["Phi:KeyId"] = "2025" });
        var old = before.Protect("Jane Roe");

        var after = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026", ["Phi:PreviousKeys:2025"] = KeyA });
        var fresh = after.Protect("Jane Roe");

        Assert.StartsWith("2025:", old, StringComparison.Ordinal);
        Assert.StartsWith("2026:", fresh, StringComparison.Ordinal);
        Assert.Equal("Jane Roe", after.Unprotect(old));
        Assert.Equal("Jane Roe", after.Unprotect(fresh));
    }

    [Fact]
    public void A_value_of_a_key_the_service_no_longer_holds_is_refused_without_showing_it()
    {
        var old = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyA, ["Phi:KeyId"] = "2025" }).Protect("Jane Roe");
        var after = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026" });

        var e = Assert.Throws<CryptographicException>(() => after.Unprotect(old));
        Assert.Contains("Phi:PreviousKeys", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ciphertext_relabelled_with_another_key_id_does_not_decrypt()
    {
        var ring = Protector(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = KeyB, ["Phi:KeyId"] = "2026", ["Phi:PreviousKeys:2025"] = KeyB });
        var value = ring.Protect("Jane Roe");

        // Same key bytes under both ids: only the authenticated key id tells them apart.
        Assert.ThrowsAny<CryptographicException>(() => ring.Unprotect("2025:" + value["2026:".Length..]));
    }

    [Fact]
    public void Outside_development_the_committed_development_key_stops_the_start()
    {
        using var services = Services(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = "ZGV2LW9ubHktcGhpLWtleS0zMi1ieXRlcy1sb25nISE=" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PhiOptions>>().Value);
        Assert.Contains("development key committed in the repository", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_development_the_committed_key_is_accepted()
    {
        using var services = Services(new Dictionary<string, string?> { ["Phi:EncryptionKey"] = "ZGV2LW9ubHktcGhpLWtleS0zMi1ieXRlcy1sb25nISE=" }, "Development");

        Assert.Equal("x", services.GetRequiredService<IPhiProtector>().Unprotect(services.GetRequiredService<IPhiProtector>().Protect("x")));
    }

    [Theory]
    [InlineData("Phi:PreviousKeys:k1", "the id of the current key")]
    [InlineData("Phi:PreviousKeys:old", "must be base64 of exactly 32 bytes")]
    [InlineData("Phi:KeyId", "Phi:KeyId must be")]
    public void A_malformed_key_ring_stops_the_start(string key, string message)
    {
        using var services = Services(new Dictionary<string, string?>
        {
            ["Phi:EncryptionKey"] = KeyA,
            [key] = key == "Phi:KeyId" ? "has:colon" : key.EndsWith("k1", StringComparison.Ordinal) ? KeyB : "c2hvcnQ=",
        });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PhiOptions>>().Value);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private sealed class FakeEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
