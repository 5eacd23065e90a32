using System.Security.Cryptography;
using System.Text;

namespace PatientExperience.Case.Complainants;

/// <summary>
/// The secret in a status page link: 256 random bits as base64url (43 characters). The store looks it up by its SHA-256 hash;
/// the clear token is kept only encrypted with the PHI key, so a notice of a staff reply can carry the same link.
/// </summary>
public static class StatusToken
{
    public const int Length = 43;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The lookup key: lower-case hex SHA-256 of the token.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Whether the text could be a token at all; anything else is "not found" without a lookup.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
