using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PatientExperience.ServiceDefaults.Security;

/// <summary>
/// Bound from <c>Phi</c>: the key ring that encrypts patient names, contact details, MRNs and free text at rest. New values
/// are written with the current key (<see cref="EncryptionKey"/>, id <see cref="KeyId"/>); values written with an earlier
/// key stay readable while that key is listed in <see cref="PreviousKeys"/>. To rotate: move the current key into
/// <c>PreviousKeys</c> under its id, set a new key and a new id.
/// </summary>
public sealed class PhiOptions : IValidatableObject
{
    public const string Section = "Phi";

    /// <summary>Base64 of exactly 32 bytes (AES-256). From configuration or a secret store, never from code.</summary>
    [Required(ErrorMessage = "Phi:EncryptionKey is required (base64 of 32 bytes).")]
    public string EncryptionKey { get; set; } = "";

    /// <summary>Identifies the current key in stored ciphertext so keys can be rotated.</summary>
    public string KeyId { get; set; } = "k1";

    /// <summary>Earlier keys by id (base64 of 32 bytes each), for reading what they encrypted; never used to write.</summary>
    public Dictionary<string, string> PreviousKeys { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsKeyId(KeyId)) yield return new ValidationResult("Phi:KeyId must be 1-32 letters, digits, '-' or '_'.", [nameof(KeyId)]);
        if (!string.IsNullOrEmpty(EncryptionKey) && !IsAesKey(EncryptionKey))
            yield return new ValidationResult("Phi:EncryptionKey must be base64 of exactly 32 bytes.", [nameof(EncryptionKey)]);
        foreach (var (id, key) in PreviousKeys)
        {
            if (!IsKeyId(id)) yield return new ValidationResult($"Phi:PreviousKeys: the key id '{id}' must be 1-32 letters, digits, '-' or '_'.", [nameof(PreviousKeys)]);
            else if (id == KeyId) yield return new ValidationResult($"Phi:PreviousKeys:{id} has the id of the current key.", [nameof(PreviousKeys)]);
            else if (!IsAesKey(key)) yield return new ValidationResult($"Phi:PreviousKeys:{id} must be base64 of exactly 32 bytes.", [nameof(PreviousKeys)]);
        }
    }

    private static bool IsKeyId(string? id) => id is { Length: > 0 and <= 32 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsAesKey(string value)
    {
        try { return Convert.FromBase64String(value).Length == 32; }
        catch (FormatException) { return false; }
    }
}

/// <summary>Encrypts and decrypts protected health information with AES-256-GCM. Output: <c>keyId:base64(nonce|tag|ciphertext)</c>.</summary>
public interface IPhiProtector
{
    string Protect(string plaintext);
    string Unprotect(string protectedText);
}

internal sealed class AesGcmPhiProtector : IPhiProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly string _currentId;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public AesGcmPhiProtector(IOptions<PhiOptions> options)
    {
        var o = options.Value;
        _currentId = o.KeyId;
        _keys[o.KeyId] = Convert.FromBase64String(o.EncryptionKey);
        foreach (var (id, key) in o.PreviousKeys) _keys[id] = Convert.FromBase64String(key);
    }

    public string Protect(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_currentId], TagSize);
        // The key id is authenticated data: a ciphertext relabelled with another key's id does not decrypt.
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.ASCII.GetBytes(_currentId));
        return _currentId + ":" + Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedText)
    {
        var colon = protectedText.IndexOf(':');
        if (colon <= 0) throw new CryptographicException("Protected value has no key id.");
        var keyId = protectedText[..colon];
        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException("Protected value was written with a key this service does not hold: list it in Phi:PreviousKeys.");
        var data = Convert.FromBase64String(protectedText[(colon + 1)..]);
        if (data.Length < NonceSize + TagSize) throw new CryptographicException("Protected value is truncated.");
        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, Encoding.ASCII.GetBytes(keyId));
        return Encoding.UTF8.GetString(plain);
    }
}

/// <summary>Outside Development, refuses the PHI keys committed in this repository for local runs.</summary>
internal sealed class PhiOptionsValidator(IHostEnvironment environment) : IValidateOptions<PhiOptions>
{
    public ValidateOptionsResult Validate(string? name, PhiOptions options) =>
        !environment.IsDevelopment() && (DevelopmentKeys.IsCommitted(options.EncryptionKey) || options.PreviousKeys.Values.Any(DevelopmentKeys.IsCommitted))
            ? ValidateOptionsResult.Fail($"Phi:EncryptionKey is the development key committed in the repository; outside Development give a key of your own ({DevelopmentKeys.HowToMakeOne}).")
            : ValidateOptionsResult.Success;
}

public static class PhiProtectionExtensions
{
    public static IServiceCollection AddPhiProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PhiOptions>().Bind(configuration.GetSection(PhiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhiOptions>, PhiOptionsValidator>());
        services.TryAddSingleton<IPhiProtector, AesGcmPhiProtector>();
        return services;
    }
}
