using System.Security.Cryptography;
using System.Text;

namespace PatientExperience.Survey.Invitations;

/// <summary>
/// The single-use secret in an invitation link: 256 random bits, base64url (43 characters). Only its SHA-256 hash is
/// looked up; the clear token is kept encrypted (PHI key) solely so that reminders can carry the same link.
/// </summary>
public static class SurveyToken
{
    public const int Length = 43;

    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lookup key: lower-case hex SHA-256 of the token's text.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Whether the text could be a token at all (anything else is answered 404 without a lookup).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
