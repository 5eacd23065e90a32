using PatientExperience.Contracts.Vocabulary;
namespace PatientExperience.Survey.Definitions;

/// <summary>
/// The surveys that ship with the product: an inpatient experience survey in the style of HCAHPS (the same kinds of question
/// and composites, in our own wording) and a short Net Promoter survey. Installed as published version 1 on first start.
/// </summary>
public static class SurveyTemplates
{
    public const string InpatientId = "inpatient-experience";
    public const string NpsId = "nps";

    public static SurveyContent Inpatient { get; } = new()
    {
        Title = new("Your hospital stay", "Su estancia en el hospital"),
        Questions =
        [
            Q("nurse-respect", SurveyQuestionType.FourPointFrequency,
                "While you were in the hospital, how often were the nurses courteous and respectful to you?",
                "Mientras estuvo en el hospital, ¿con qué frecuencia fueron las enfermeras amables y respetuosas con usted?"),
            Q("nurse-listen", SurveyQuestionType.FourPointFrequency,
                "How often did the nurses take the time to hear what you had to say?",
                "¿Con qué frecuencia se tomaron las enfermeras el tiempo de escuchar lo que usted tenía que decir?"),
            Q("nurse-explain", SurveyQuestionType.FourPointFrequency,
                "How often did the nurses explain things so that you could follow them?",
                "¿Con qué frecuencia le explicaron las enfermeras las cosas de forma que usted pudiera seguirlas?"),
            Q("doctor-respect", SurveyQuestionType.FourPointFrequency,
                "How often were the doctors courteous and respectful to you?",
                "¿Con qué frecuencia fueron los médicos amables y respetuosos con usted?"),
            Q("doctor-listen", SurveyQuestionType.FourPointFrequency,
                "How often did the doctors take the time to hear what you had to say?",
                "¿Con qué frecuencia se tomaron los médicos el tiempo de escuchar lo que usted tenía que decir?"),
            Q("doctor-explain", SurveyQuestionType.FourPointFrequency,
                "How often did the doctors explain things so that you could follow them?",
                "¿Con qué frecuencia le explicaron los médicos las cosas de forma que usted pudiera seguirlas?"),
            Q("help-when-asked", SurveyQuestionType.FourPointFrequency,
                "When you asked for help, for example with the call button, how often did someone come as quickly as you needed?",
                "Cuando pidió ayuda, por ejemplo con el botón de llamada, ¿con qué frecuencia alguien vino tan pronto como lo necesitaba?"),
            Q("medicine-purpose", SurveyQuestionType.FourPointFrequency,
                "When you were given a medicine you had not taken before, how often did staff tell you what it was for?",
                "Cuando le dieron un medicamento que no había tomado antes, ¿con qué frecuencia el personal le dijo para qué era?"),
            Q("room-clean", SurveyQuestionType.FourPointFrequency,
                "How often were your room and bathroom kept clean?",
                "¿Con qué frecuencia se mantuvieron limpios su habitación y su baño?"),
            Q("quiet-night", SurveyQuestionType.FourPointFrequency,
                "How often was it quiet around your room at night?",
                "¿Con qué frecuencia había tranquilidad alrededor de su habitación por la noche?"),
            Q("discharge-help", SurveyQuestionType.YesNo,
                "Before you went home, did staff talk with you about whether you would have the help you needed?",
                "Antes de irse a casa, ¿habló el personal con usted sobre si tendría la ayuda que necesitaba?"),
            Q("discharge-symptoms", SurveyQuestionType.YesNo,
                "Were you given written information about symptoms or problems to look out for after you left?",
                "¿Le dieron información por escrito sobre síntomas o problemas a vigilar después de irse?"),
            Q("overall-rating", SurveyQuestionType.Rating,
                "On a scale from 0 (the worst hospital possible) to 10 (the best hospital possible), how would you rate this hospital?",
                "En una escala de 0 (el peor hospital posible) a 10 (el mejor hospital posible), ¿cómo calificaría este hospital?"),
            Q("recommend", SurveyQuestionType.Definitely,
                "Would you recommend this hospital to your friends and family?",
                "¿Recomendaría este hospital a sus amigos y familiares?"),
            Q("comments", SurveyQuestionType.FreeText,
                "Is there anything else you would like to tell us about your stay?",
                "¿Hay algo más que quiera contarnos sobre su estancia?"),
        ],
        Composites =
        [
            C("nurse-communication", "Communication with nurses", "Comunicación con las enfermeras", "nurse-respect", "nurse-listen", "nurse-explain"),
            C("doctor-communication", "Communication with doctors", "Comunicación con los médicos", "doctor-respect", "doctor-listen", "doctor-explain"),
            C("responsiveness", "Responsiveness of staff", "Respuesta del personal", "help-when-asked"),
            C("medicines", "Communication about medicines", "Comunicación sobre los medicamentos", "medicine-purpose"),
            C("environment", "Clean and quiet surroundings", "Entorno limpio y tranquilo", "room-clean", "quiet-night"),
            C("discharge-information", "Information for going home", "Información para irse a casa", "discharge-help", "discharge-symptoms"),
        ],
    };

    public static SurveyContent Nps { get; } = new()
    {
        Title = new("How likely are you to recommend us?", "¿Qué probabilidad hay de que nos recomiende?"),
        Questions =
        [
            Q("nps", SurveyQuestionType.Nps,
                "On a scale from 0 (not at all likely) to 10 (extremely likely), how likely are you to recommend this hospital to a friend or relative?",
                "En una escala de 0 (nada probable) a 10 (muy probable), ¿qué probabilidad hay de que recomiende este hospital a un amigo o familiar?"),
            Q("nps-reason", SurveyQuestionType.FreeText,
                "What is the main reason for your score?",
                "¿Cuál es la razón principal de su calificación?"),
        ],
    };

    public static IReadOnlyList<(string Id, SurveyContent Content)> All { get; } = [(InpatientId, Inpatient), (NpsId, Nps)];

    private static Question Q(string id, SurveyQuestionType type, string en, string es) => new() { Id = id, Type = type, Text = new(en, es) };

    private static Composite C(string id, string en, string es, params string[] questions) => new() { Id = id, Title = new(en, es), QuestionIds = questions };
}
