using System.Globalization;

namespace PatientExperience.Web.Shared;

/// <summary>
/// Every word the patient pages show, once per language. A record with required members: a text added for one language and
/// missing in another does not compile. The request's culture (<c>?lang=</c>, the culture cookie, then Accept-Language;
/// see <see cref="WebModule"/>) picks the language.
/// </summary>
public sealed record PatientTexts
{
    /// <summary>The query parameter that chooses the language (<c>?lang=es</c>).</summary>
    public const string LanguageQueryKey = "lang";

    /// <summary>The supported cultures, the default first.</summary>
    public static readonly IReadOnlyList<string> Cultures = ["en", "es"];

    public required string LanguageTag { get; init; }
    public required string LanguageName { get; init; }
    public required string LanguageSwitchLabel { get; init; }
    public required string SkipToContent { get; init; }
    public required string SiteName { get; init; }
    public required string FooterPrivacy { get; init; }

    public static PatientTexts Current => For(CultureInfo.CurrentUICulture);

    public static PatientTexts For(CultureInfo culture) => culture.TwoLetterISOLanguageName == "es" ? Spanish : English;

    public static IReadOnlyList<PatientTexts> All => [English, Spanish];

    public static readonly PatientTexts English = new()
    {
        LanguageTag = "en",
        LanguageName = "English",
        LanguageSwitchLabel = "Language",
        SkipToContent = "Skip to main content",
        SiteName = "Patient Experience",
        FooterPrivacy = "What you tell us is kept private and is read only by the team that handles patients' concerns.",
    };

    public static readonly PatientTexts Spanish = new()
    {
        LanguageTag = "es",
        LanguageName = "Español",
        LanguageSwitchLabel = "Idioma",
        SkipToContent = "Ir al contenido principal",
        SiteName = "Experiencia del paciente",
        FooterPrivacy = "Lo que nos cuenta se mantiene en privado y solo lo lee el equipo que atiende las inquietudes de los pacientes.",
    };
}
