using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PatientExperience.ServiceDefaults.Security;

/// <summary>Bound from <c>Phi</c>. The key encrypts patient names, contact details, MRNs and free text at rest.</summary>
public sealed class PhiOptions : IValidatableObject
{
    public const string Section = "Phi";

    /// <summary>Base64 of exactly 32 bytes (AES-256). From configuration or a secret store, never from code.</summary>
    [Required(ErrorMessage = "Phi:EncryptionKey is required (base64 of 32 bytes).")]
    public string EncryptionKey { get; set; } = "";

    /// <summary>Identifies the key in stored ciphertext so keys can be rotated.</summary>
    public string KeyId { get; set; } = "k1";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(EncryptionKey)) yield break;
        byte[]? key = null;
        try { key = Convert.FromBase64String(EncryptionKey); } catch (FormatException) { }
        if (key is null || key.Length != 32)
        {
            yield return new ValidationResult("Phi:EncryptionKey must be base64 of exactly 32 bytes.", [nameof(EncryptionKey)]);
        }
    }
}

/// <summary>Encrypts and decrypts protected health information with AES-256-GCM. Output: <c>keyId:base64(nonce|tag|ciphertext)</c>.</summary>
public interface IPhiProtector
{
    string Protect(string plaintext);
    string Unprotect(string protectedText);
}

internal sealed class AesGcmPhiProtector(IOptions<PhiOptions> options) : IPhiProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key = Convert.FromBase64String(options.Value.EncryptionKey);
    private readonly string _keyId = options.Value.KeyId;

    public string Protect(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.ASCII.GetBytes(_keyId));
        return _keyId + ":" + Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedText)
    {
        var colon = protectedText.IndexOf(':');
        if (colon <= 0) throw new CryptographicException("Protected value has no key id.");
        var keyId = protectedText[..colon];
        if (keyId != _keyId) throw new CryptographicException("Protected value was written with another key.");
        var data = Convert.FromBase64String(protectedText[(colon + 1)..]);
        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, Encoding.ASCII.GetBytes(keyId));
        return Encoding.UTF8.GetString(plain);
    }
}

public static class PhiProtectionExtensions
{
    public static IServiceCollection AddPhiProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PhiOptions>().Bind(configuration.GetSection(PhiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPhiProtector, AesGcmPhiProtector>();
        return services;
    }
}
