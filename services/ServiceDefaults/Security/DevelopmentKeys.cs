namespace PatientExperience.ServiceDefaults.Security;

/// <summary>
/// The keys committed in this repository so that <c>dotnet run</c> works at once (launch settings, the standalone host's
/// and the AppHost's Development settings). Anyone can read them, so every service refuses them outside Development.
/// </summary>
public static class DevelopmentKeys
{
    public const string HowToMakeOne = "e.g. openssl rand -base64 32";

    private static readonly HashSet<string> Committed = new(StringComparer.Ordinal)
    {
        "ZGV2ZWxvcG1lbnQtb25seS1zaWduaW5nLWtleS1kby1ub3QtdXNlLWluLXByb2R1Y3Rpb24=", // Auth:SigningKey
        "ZGV2LW9ubHktcGhpLWtleS0zMi1ieXRlcy1sb25nISE=", // Phi:EncryptionKey, once shared by every service; now a previous key "dev" / "k1" in Development
        "ZGV2LW9ubHktaW50YWtlLXBoaS1rZXkhISEhISEhISE=", // Intake:Phi:EncryptionKey
        "ZGV2LW9ubHktY2FzZS1waGkta2V5ISEhISEhISEhISE=", // Case:Phi:EncryptionKey
        "ZGV2LW9ubHktc3VydmV5LXBoaS1rZXkhISEhISEhISE=", // Survey:Phi:EncryptionKey
        "ZGV2LW9ubHktbm90aWZpY2F0aW9uLXBoaS1rZXkhISE=", // Notification:Phi:EncryptionKey
        "ZGV2LW9ubHktcGF0aWVudC1yZWZlcmVuY2Uta2V5LTMyLWJ5dGVzISE=", // Intake:PatientReferenceKey
    };

    public static bool IsCommitted(string? key) => key is not null && Committed.Contains(key.Trim());
}
