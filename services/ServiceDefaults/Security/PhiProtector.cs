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
/// A service's PHI key ring, bound from <c>{Service}:Phi</c> when that section exists (the standalone host gives each module its
/// own: <c>Intake:Phi</c>, <c>Case:Phi</c>, ...), else from <c>Phi</c> (one service per process: each given its own secret).
/// New values are written with the current key (<see cref="EncryptionKey"/>, id <see cref="KeyId"/>); values written with an
/// earlier key stay readable while that key is listed in <see cref="PreviousKeys"/>. To rotate: move the current key into
/// <c>PreviousKeys</c> under its id, set a new key and a new id, run the re-encryption, then remove the old key.
/// </summary>
public sealed class PhiOptions : IValidatableObject
{
    public const string Section = "Phi";

    /// <summary>The section a service's ring is read from: <c>{service}:Phi</c> when it has one, else <c>Phi</c>.</summary>
    public static string SectionFor(IConfiguration configuration, string service)
    {
        var own = OwnSection(service);
        return configuration.GetSection(own).Exists() ? own : Section;
    }

    /// <summary><c>{Service}:Phi</c>, named as the modules' other sections are (<c>Intake:</c>, <c>Case:</c>; keys are case-insensitive).</summary>
    public static string OwnSection(string service) => ConfigurationPath.Combine(char.ToUpperInvariant(service[0]) + service[1..], Section);

    /// <summary>Base64 of exactly 32 bytes (AES-256). From configuration or a secret store, never from code.</summary>
    public string EncryptionKey { get; set; } = "";

    /// <summary>Identifies the current key in stored ciphertext so keys can be rotated.</summary>
    public string KeyId { get; set; } = "k1";

    /// <summary>Earlier keys by id (base64 of 32 bytes each), for reading what they encrypted; never used to write.</summary>
    public Dictionary<string, string> PreviousKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Re-encrypt in the background after start-up: rewrite every stored value not under the current key and format (an
    /// earlier key, or written before values were bound to their record) so a previous key can then be removed.
    /// </summary>
    public bool ReEncrypt { get; set; }

    /// <summary>Where these were read from (set at start-up, not configuration), so a refusal names the key to fix.</summary>
    internal string ConfiguredAt { get; set; } = Section;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var at = ConfiguredAt;
        if (string.IsNullOrWhiteSpace(EncryptionKey)) yield return new ValidationResult($"{at}:EncryptionKey is required (base64 of 32 bytes).", [nameof(EncryptionKey)]);
        else if (!IsAesKey(EncryptionKey)) yield return new ValidationResult($"{at}:EncryptionKey must be base64 of exactly 32 bytes.", [nameof(EncryptionKey)]);
        if (!IsKeyId(KeyId)) yield return new ValidationResult($"{at}:KeyId must be 1-32 letters, digits, '-' or '_'.", [nameof(KeyId)]);
        foreach (var (id, key) in PreviousKeys)
        {
            if (string.IsNullOrWhiteSpace(key)) continue; // an optional previous key left empty (compose, k8s): none
            if (!IsKeyId(id)) yield return new ValidationResult($"{at}:PreviousKeys: the key id '{id}' must be 1-32 letters, digits, '-' or '_'.", [nameof(PreviousKeys)]);
            else if (id == KeyId) yield return new ValidationResult($"{at}:PreviousKeys:{id} has the id of the current key.", [nameof(PreviousKeys)]);
            else if (!IsAesKey(key)) yield return new ValidationResult($"{at}:PreviousKeys:{id} must be base64 of exactly 32 bytes.", [nameof(PreviousKeys)]);
        }
    }

    private static bool IsKeyId(string? id) => id is { Length: > 0 and <= 32 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsAesKey(string value)
    {
        try { return Convert.FromBase64String(value).Length == 32; }
        catch (FormatException) { return false; }
    }
}

/// <summary>
/// The stored record a protected value belongs to, e.g. <c>case/3f2504e0-...</c> or <c>submission/...</c>: part of the
/// authenticated data, so a ciphertext copied onto another record does not decrypt there. Ids only, never PHI.
/// </summary>
public readonly record struct PhiRecord
{
    public PhiRecord(string kind, string id)
    {
        if (string.IsNullOrEmpty(kind) || kind.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            throw new ArgumentException("A record kind is lower-case letters, digits and '-'.", nameof(kind));
        ArgumentException.ThrowIfNullOrEmpty(id);
        Kind = kind;
        Id = id;
    }

    public PhiRecord(string kind, Guid id) : this(kind, id.ToString("D")) { }

    public string Kind { get; }
    public string Id { get; }

    public override string ToString() => Kind + "/" + Id;
}

/// <summary>Which key and format a stored value is under, read from its label without decrypting it.</summary>
/// <param name="KeyId">The id of the key that wrote it.</param>
/// <param name="BindsRecord">False for a value written before the record became authenticated data (format 1).</param>
/// <param name="IsCurrent">Written with the current key in the current format: nothing for re-encryption to do.</param>
public readonly record struct PhiValueLabel(string KeyId, bool BindsRecord, bool IsCurrent);

/// <summary>
/// Encrypts and decrypts protected health information with AES-256-GCM, bound to the record it belongs to. Output
/// (format 2): <c>v2.keyId:base64(nonce|tag|ciphertext)</c>, authenticated data: the format, the key id and the record.
/// Format 1 (<c>keyId:base64(...)</c>, the key id alone authenticated) is still read, so values written before stay readable
/// until re-encryption rewrites them (<see cref="PhiProtectorExtensions.Reprotect"/>).
/// </summary>
public interface IPhiProtector
{
    string Protect(string plaintext, PhiRecord record);

    /// <exception cref="CryptographicException">
    /// The value was changed, belongs to another record, or was written with a key this service does not hold. The message
    /// names the record and the key id, never the value.
    /// </exception>
    string Unprotect(string protectedText, PhiRecord record);

    /// <summary>The key and format of a stored value, without decrypting it.</summary>
    /// <exception cref="CryptographicException">Not a protected value.</exception>
    PhiValueLabel Label(string protectedText);
}

public static class PhiProtectorExtensions
{
    /// <summary>A protect function for one record: for domain methods that take a <c>Func&lt;string, string&gt;</c>.</summary>
    public static Func<string, string> ProtectFor(this IPhiProtector phi, PhiRecord record) => text => phi.Protect(text, record);

    /// <summary>
    /// The value under the current key and format: itself when it is already, else decrypted (with whatever key of the ring
    /// wrote it) and encrypted again for <paramref name="record"/>.
    /// </summary>
    public static string Reprotect(this IPhiProtector phi, string protectedText, PhiRecord record) =>
        phi.Label(protectedText).IsCurrent ? protectedText : phi.Protect(phi.Unprotect(protectedText, record), record);

    /// <summary><see cref="Reprotect"/> for an optional value.</summary>
    public static string? ReprotectOptional(this IPhiProtector phi, string? protectedText, PhiRecord record) =>
        protectedText is null ? null : phi.Reprotect(protectedText, record);
}

internal sealed class AesGcmPhiProtector : IPhiProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    /// <summary>Format 2's label prefix: '.' never occurs in a key id, so a format-1 value never starts with it.</summary>
    private const string Version2 = "v2.";
    private readonly string _currentId;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public AesGcmPhiProtector(PhiOptions o)
    {
        _currentId = o.KeyId;
        _keys[o.KeyId] = Convert.FromBase64String(o.EncryptionKey);
        foreach (var (id, key) in o.PreviousKeys.Where(k => !string.IsNullOrWhiteSpace(k.Value))) _keys[id] = Convert.FromBase64String(key);
    }

    public string Protect(string plaintext, PhiRecord record)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_currentId], TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AuthenticatedData(_currentId, record));
        return Version2 + _currentId + ":" + Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedText, PhiRecord record)
    {
        var (keyId, bindsRecord, payload) = Parse(protectedText);
        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException($"A protected value of {record} was written with key '{keyId}', which this service does not hold: list it in Phi:PreviousKeys.");
        byte[] data;
        try { data = Convert.FromBase64String(payload); }
        catch (FormatException) { throw new CryptographicException($"A protected value of {record} is not valid base64."); }
        if (data.Length < NonceSize + TagSize) throw new CryptographicException($"A protected value of {record} is truncated.");
        var plain = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            // Format 1 authenticated the key id alone (a relabelled value fails); format 2 the record too (a moved value fails).
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain,
                bindsRecord ? AuthenticatedData(keyId, record) : Encoding.ASCII.GetBytes(keyId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"A protected value does not decrypt as {record} under key '{keyId}': it was changed, relabelled or belongs to another record.");
        }

        return Encoding.UTF8.GetString(plain);
    }

    public PhiValueLabel Label(string protectedText)
    {
        var (keyId, bindsRecord, _) = Parse(protectedText);
        return new PhiValueLabel(keyId, bindsRecord, bindsRecord && keyId == _currentId);
    }

    private static (string KeyId, bool BindsRecord, string Payload) Parse(string protectedText)
    {
        ArgumentNullException.ThrowIfNull(protectedText);
        var bindsRecord = protectedText.StartsWith(Version2, StringComparison.Ordinal);
        var label = bindsRecord ? Version2.Length : 0;
        var colon = protectedText.IndexOf(':', label);
        if (colon <= label) throw new CryptographicException("Protected value has no key id.");
        return (protectedText[label..colon], bindsRecord, protectedText[(colon + 1)..]);
    }

    private static byte[] AuthenticatedData(string keyId, PhiRecord record) => Encoding.UTF8.GetBytes($"pxp-phi/2\n{keyId}\n{record.Kind}\n{record.Id}");
}

/// <summary>
/// A service's own PHI protector: the key ring of its named <see cref="PhiOptions"/> (<see cref="Service"/>). Each service
/// derives one (<c>CasePhiProtector</c>, ...) and injects that type, so in a process that hosts several (the standalone host)
/// none encrypts or decrypts with another's key.
/// </summary>
public abstract class ServicePhiProtector : IPhiProtector
{
    private readonly AesGcmPhiProtector _ring;

    protected ServicePhiProtector(IOptionsMonitor<PhiOptions> options, string service)
    {
        Service = service;
        _ring = new AesGcmPhiProtector(options.Get(service));
    }

    /// <summary>The service whose ring this is (also the name of its <see cref="PhiOptions"/>).</summary>
    public string Service { get; }

    public string Protect(string plaintext, PhiRecord record) => _ring.Protect(plaintext, record);

    public string Unprotect(string protectedText, PhiRecord record) => _ring.Unprotect(protectedText, record);

    public PhiValueLabel Label(string protectedText) => _ring.Label(protectedText);
}

/// <summary>The service names that registered a PHI key ring in this process.</summary>
internal sealed record PhiService(string Name);

/// <summary>
/// Outside Development: refuses the PHI keys committed in this repository for local runs, and a current key that another
/// service in the same process also writes with (the standalone host: each module needs a key of its own). A previous key
/// may be shared: that is how a single shared key is retired (every service lists it while re-encryption rewrites its data).
/// </summary>
internal sealed class PhiOptionsValidator(IHostEnvironment environment, IConfiguration configuration, IEnumerable<PhiService> services) : IValidateOptions<PhiOptions>
{
    public ValidateOptionsResult Validate(string? name, PhiOptions options)
    {
        if (environment.IsDevelopment()) return ValidateOptionsResult.Success;
        if (DevelopmentKeys.IsCommitted(options.EncryptionKey) || options.PreviousKeys.Values.Any(DevelopmentKeys.IsCommitted))
            return ValidateOptionsResult.Fail($"{options.ConfiguredAt}:EncryptionKey is a development key committed in the repository; outside Development give a key of your own ({DevelopmentKeys.HowToMakeOne}).");
        var sharing = services.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(other => !string.Equals(other, name, StringComparison.OrdinalIgnoreCase))
            .Where(other => configuration[ConfigurationPath.Combine(PhiOptions.SectionFor(configuration, other), nameof(PhiOptions.EncryptionKey))]?.Trim() is { Length: > 0 } key
                && key == options.EncryptionKey.Trim())
            .ToList();
        return sharing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{options.ConfiguredAt}:EncryptionKey is also the current key of {string.Join(", ", sharing)} in this process: give each service a key of its own ({string.Join(", ", sharing.Prepend(name ?? "").Where(s => s.Length > 0).Select(PhiOptions.OwnSection))}).");
    }
}

public static class PhiProtectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TProtector"/>, <paramref name="service"/>'s PHI protector, with its key ring read from
    /// <c>{service}:Phi</c> or <c>Phi</c> and validated at start-up.
    /// </summary>
    public static IServiceCollection AddPhiProtection<TProtector>(this IServiceCollection services, IConfiguration configuration, string service)
        where TProtector : ServicePhiProtector
    {
        var section = PhiOptions.SectionFor(configuration, service);
        services.AddOptions<PhiOptions>(service)
            .Bind(configuration.GetSection(section))
            .PostConfigure(o => o.ConfiguredAt = section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(new PhiService(service));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhiOptions>, PhiOptionsValidator>());
        services.TryAddSingleton<TProtector>();
        return services;
    }
}
