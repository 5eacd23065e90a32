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
    public required string ErrorTitlePrefix { get; init; }
    public required string ErrorSummaryTitle { get; init; }
    public required string ErrorPrefix { get; init; }
    public required string Optional { get; init; }
    public required string ServiceUnavailable { get; init; }
    public required string TooManyRequests { get; init; }
    public required string FeedbackTitle { get; init; }
    public required string FeedbackIntro { get; init; }
    public required string FeedbackEmergency { get; init; }
    public required string WhereLegend { get; init; }
    public required string FacilityLabel { get; init; }
    public required string FacilityChoose { get; init; }
    public required string DepartmentLabel { get; init; }
    public required string DepartmentHint { get; init; }
    public required string UnitLabel { get; init; }
    public required string UnitHint { get; init; }
    public required string NotSure { get; init; }
    public required string KindLegend { get; init; }
    public required string KindComplaint { get; init; }
    public required string KindGrievance { get; init; }
    public required string KindCompliment { get; init; }
    public required string KindSuggestion { get; init; }
    public required string KindQuestion { get; init; }
    public required string KindNotSure { get; init; }
    public required string ChannelLegend { get; init; }
    public required string ChannelWeb { get; init; }
    public required string ChannelKiosk { get; init; }
    public required string ChannelPhone { get; init; }
    public required string ChannelEmail { get; init; }
    public required string ChannelLetter { get; init; }
    public required string DescriptionLabel { get; init; }
    public required string DescriptionHint { get; init; }
    public required string DetailsLegend { get; init; }
    public required string DetailsHint { get; init; }
    public required string NameLabel { get; init; }
    public required string EmailLabel { get; init; }
    public required string PhoneLabel { get; init; }
    public required string LanguageLabel { get; init; }
    public required string ResponseLabel { get; init; }
    public required string SubmitFeedback { get; init; }
    public required string ErrorFacility { get; init; }
    public required string ErrorDepartment { get; init; }
    public required string ErrorUnit { get; init; }
    public required string ErrorChannel { get; init; }
    public required string ErrorKind { get; init; }
    public required string ErrorDescription { get; init; }
    public required string ErrorName { get; init; }
    public required string ErrorEmail { get; init; }
    public required string ErrorPhone { get; init; }
    public required string ErrorLanguage { get; init; }
    public required string ErrorResponse { get; init; }
    public required string ReceivedTitle { get; init; }
    public required string ReceivedReference { get; init; }
    public required string ReceivedNext { get; init; }
    public required string ReceivedAnother { get; init; }
    public required string SurveyTitle { get; init; }
    public required string SurveyIntro { get; init; }
    public required string SurveyContactLabel { get; init; }
    public required string SurveyOutreachLabel { get; init; }
    public required string SurveySubmit { get; init; }
    public required string SurveyErrorChoice { get; init; }
    public required string SurveyErrorText { get; init; }
    public required string SurveyErrorNothing { get; init; }
    public required string SurveyThanksTitle { get; init; }
    public required string SurveyThanksBody { get; init; }
    public required string SurveyNotFoundTitle { get; init; }
    public required string SurveyNotFoundBody { get; init; }
    public required string SurveyAnsweredTitle { get; init; }
    public required string SurveyAnsweredBody { get; init; }
    public required string SurveyExpiredTitle { get; init; }
    public required string SurveyExpiredBody { get; init; }
    public required string FeedbackFormLink { get; init; }
    public required string StatusTitle { get; init; }
    public required string StatusCaseNumber { get; init; }
    public required string StatusStage { get; init; }
    public required string StatusExpected { get; init; }
    public required string StatusExpectedNone { get; init; }
    public required string StatusUpdated { get; init; }
    public required string StageReceived { get; init; }
    public required string StageBeingLookedInto { get; init; }
    public required string StageResponseSent { get; init; }
    public required string StageResolved { get; init; }
    public required string StageClosed { get; init; }
    public required string StatusMessagesTitle { get; init; }
    public required string StatusNoMessages { get; init; }
    public required string StatusFromYou { get; init; }
    public required string StatusFromTeam { get; init; }
    public required string StatusWriteTitle { get; init; }
    public required string StatusMessageLabel { get; init; }
    public required string StatusMessageHint { get; init; }
    public required string StatusSend { get; init; }
    public required string StatusSent { get; init; }
    public required string StatusErrorMessage { get; init; }
    public required string StatusErrorBusy { get; init; }
    public required string StatusNotFoundTitle { get; init; }
    public required string StatusNotFoundBody { get; init; }
    public required string StatusRevokedTitle { get; init; }
    public required string StatusRevokedBody { get; init; }

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
        ErrorTitlePrefix = "Error: ",
        ErrorSummaryTitle = "There is a problem",
        ErrorPrefix = "Error:",
        Optional = "(optional)",
        ServiceUnavailable = "We cannot reach our service at the moment. Nothing was sent. Please try again in a few minutes.",
        TooManyRequests = "Too many requests came from your connection. Nothing was sent. Please wait a minute and try again.",
        FeedbackTitle = "Tell us about your experience",
        FeedbackIntro = "Use this form to raise a concern, make a complaint, or pay a compliment about care at one of our hospitals. It takes about five minutes.",
        FeedbackEmergency = "If you need urgent medical help, call 911 or go to the nearest emergency department. Do not use this form.",
        WhereLegend = "Where did this happen?",
        FacilityLabel = "Hospital",
        FacilityChoose = "Choose a hospital",
        DepartmentLabel = "Department",
        DepartmentHint = "If you know it. Choose one in the hospital you chose above.",
        UnitLabel = "Ward or unit",
        UnitHint = "If you know it. Choose one in the department you chose above.",
        NotSure = "Not sure",
        KindLegend = "What would you like to tell us?",
        KindComplaint = "A concern or complaint",
        KindGrievance = "A formal grievance (a complaint you want formally investigated, with a written response)",
        KindCompliment = "A compliment",
        KindSuggestion = "A suggestion",
        KindQuestion = "A question",
        KindNotSure = "I am not sure",
        ChannelLegend = "How are you sending this?",
        ChannelWeb = "Online, on this website",
        ChannelKiosk = "At a kiosk in the hospital",
        ChannelPhone = "Someone is typing what I said on the phone",
        ChannelEmail = "Someone is typing what I wrote in an email",
        ChannelLetter = "Someone is typing what I wrote in a letter",
        DescriptionLabel = "What happened?",
        DescriptionHint = "Include when it happened and who was involved, if you can. Please do not include bank or card details.",
        DetailsLegend = "Your details",
        DetailsHint = "Leave these empty to stay anonymous. We need an email address or phone number to reply to you.",
        NameLabel = "Full name",
        EmailLabel = "Email address",
        PhoneLabel = "Phone number",
        LanguageLabel = "Language you would like us to use",
        ResponseLabel = "I would like a response",
        SubmitFeedback = "Send",
        ErrorFacility = "Choose the hospital where this happened",
        ErrorDepartment = "Choose a department of the hospital you chose, or Not sure",
        ErrorUnit = "Choose a ward or unit of the department you chose, or Not sure",
        ErrorChannel = "Choose how you are sending this",
        ErrorKind = "Choose what you would like to tell us",
        ErrorDescription = "Tell us what happened, in at most 10,000 characters, without special formatting characters",
        ErrorName = "Enter your name in at most 200 characters",
        ErrorEmail = "Enter an email address like name@example.com",
        ErrorPhone = "Enter a phone number of digits, spaces and + - ( ) .",
        ErrorLanguage = "Choose a language from the list",
        ErrorResponse = "To get a response, enter an email address or a phone number",
        ReceivedTitle = "Thank you: we have received it",
        ReceivedReference = "Your reference number",
        ReceivedNext = "Keep this number. Quote it if you contact us about this. If you asked for a response, we will send you a link where you can follow progress and write to the team.",
        ReceivedAnother = "Tell us about something else",
        SurveyTitle = "Your experience in hospital",
        SurveyIntro = "Please answer the questions you can; you can leave any of them out. Your answers help us improve care.",
        SurveyContactLabel = "I would like someone to contact me about my stay",
        SurveyOutreachLabel = "You may invite me to take part in patient focus groups",
        SurveySubmit = "Send my answers",
        SurveyErrorChoice = "Choose one of the answers",
        SurveyErrorText = "Write at most 2,000 characters, without special formatting characters",
        SurveyErrorNothing = "Answer at least one question, or ask us to contact you",
        SurveyThanksTitle = "Thank you for your answers",
        SurveyThanksBody = "We have received them. If you asked us to contact you, someone from the patient relations team will be in touch.",
        SurveyNotFoundTitle = "We cannot find this survey",
        SurveyNotFoundBody = "Check that the link is complete, as it was in the message we sent you.",
        SurveyAnsweredTitle = "This survey has already been answered",
        SurveyAnsweredBody = "Thank you: we have your answers. A survey can be answered once.",
        SurveyExpiredTitle = "This survey has closed",
        SurveyExpiredBody = "The time to answer it has passed. If you would like to tell us about your stay, you can still use our feedback form.",
        FeedbackFormLink = "Go to the feedback form",
        StatusTitle = "Your concern",
        StatusCaseNumber = "Reference",
        StatusStage = "Where it stands",
        StatusExpected = "We expect to respond by",
        StatusExpectedNone = "We will tell you when we expect to respond.",
        StatusUpdated = "Last updated",
        StageReceived = "Received",
        StageBeingLookedInto = "Being looked into",
        StageResponseSent = "Response sent",
        StageResolved = "Resolved",
        StageClosed = "Closed",
        StatusMessagesTitle = "Messages",
        StatusNoMessages = "No messages yet.",
        StatusFromYou = "You",
        StatusFromTeam = "Patient relations team",
        StatusWriteTitle = "Write to the team",
        StatusMessageLabel = "Your message",
        StatusMessageHint = "The team is told a message arrived and will read it here. Please do not include bank or card details.",
        StatusSend = "Send message",
        StatusSent = "Your message was sent.",
        StatusErrorMessage = "Write a message of at most 5,000 characters, without special formatting characters",
        StatusErrorBusy = "Your message was not stored. Please send it again.",
        StatusNotFoundTitle = "We cannot find this page",
        StatusNotFoundBody = "Check that the link is complete, as it was in the message we sent you.",
        StatusRevokedTitle = "This link no longer works",
        StatusRevokedBody = "Please contact the patient relations team for a new one.",
    };

    public static readonly PatientTexts Spanish = new()
    {
        LanguageTag = "es",
        LanguageName = "Español",
        LanguageSwitchLabel = "Idioma",
        SkipToContent = "Ir al contenido principal",
        SiteName = "Experiencia del paciente",
        FooterPrivacy = "Lo que nos cuenta se mantiene en privado y solo lo lee el equipo que atiende las inquietudes de los pacientes.",
        ErrorTitlePrefix = "Error: ",
        ErrorSummaryTitle = "Hay un problema",
        ErrorPrefix = "Error:",
        Optional = "(opcional)",
        ServiceUnavailable = "No podemos conectar con nuestro servicio en este momento. No se envió nada. Vuelva a intentarlo en unos minutos.",
        TooManyRequests = "Llegaron demasiadas solicitudes desde su conexión. No se envió nada. Espere un minuto y vuelva a intentarlo.",
        FeedbackTitle = "Cuéntenos su experiencia",
        FeedbackIntro = "Use este formulario para expresar una inquietud, presentar una queja o hacer un elogio sobre la atención en uno de nuestros hospitales. Tarda unos cinco minutos.",
        FeedbackEmergency = "Si necesita ayuda médica urgente, llame al 911 o acuda al servicio de urgencias más cercano. No use este formulario.",
        WhereLegend = "¿Dónde ocurrió?",
        FacilityLabel = "Hospital",
        FacilityChoose = "Elija un hospital",
        DepartmentLabel = "Departamento",
        DepartmentHint = "Si lo sabe. Elija uno del hospital que eligió arriba.",
        UnitLabel = "Sala o unidad",
        UnitHint = "Si lo sabe. Elija una del departamento que eligió arriba.",
        NotSure = "No estoy seguro",
        KindLegend = "¿Qué nos quiere contar?",
        KindComplaint = "Una inquietud o queja",
        KindGrievance = "Una queja formal (una queja que quiere que se investigue formalmente, con respuesta por escrito)",
        KindCompliment = "Un elogio",
        KindSuggestion = "Una sugerencia",
        KindQuestion = "Una pregunta",
        KindNotSure = "No estoy seguro",
        ChannelLegend = "¿Cómo nos envía esto?",
        ChannelWeb = "En línea, en este sitio web",
        ChannelKiosk = "En un quiosco del hospital",
        ChannelPhone = "Alguien escribe lo que dije por teléfono",
        ChannelEmail = "Alguien escribe lo que escribí en un correo electrónico",
        ChannelLetter = "Alguien escribe lo que escribí en una carta",
        DescriptionLabel = "¿Qué ocurrió?",
        DescriptionHint = "Incluya cuándo ocurrió y quién participó, si puede. No incluya datos bancarios ni de tarjetas.",
        DetailsLegend = "Sus datos",
        DetailsHint = "Déjelos vacíos para permanecer en el anonimato. Necesitamos un correo electrónico o un teléfono para responderle.",
        NameLabel = "Nombre completo",
        EmailLabel = "Correo electrónico",
        PhoneLabel = "Número de teléfono",
        LanguageLabel = "Idioma en que prefiere que le respondamos",
        ResponseLabel = "Quiero recibir una respuesta",
        SubmitFeedback = "Enviar",
        ErrorFacility = "Elija el hospital donde ocurrió",
        ErrorDepartment = "Elija un departamento del hospital que eligió, o No estoy seguro",
        ErrorUnit = "Elija una sala o unidad del departamento que eligió, o No estoy seguro",
        ErrorChannel = "Elija cómo nos envía esto",
        ErrorKind = "Elija qué nos quiere contar",
        ErrorDescription = "Cuéntenos qué ocurrió, en 10.000 caracteres como máximo, sin caracteres de formato especiales",
        ErrorName = "Escriba su nombre en 200 caracteres como máximo",
        ErrorEmail = "Escriba un correo electrónico como nombre@ejemplo.com",
        ErrorPhone = "Escriba un teléfono con dígitos, espacios y + - ( ) .",
        ErrorLanguage = "Elija un idioma de la lista",
        ErrorResponse = "Para recibir una respuesta, escriba un correo electrónico o un teléfono",
        ReceivedTitle = "Gracias: lo hemos recibido",
        ReceivedReference = "Su número de referencia",
        ReceivedNext = "Guarde este número. Menciónelo si nos contacta sobre esto. Si pidió una respuesta, le enviaremos un enlace donde podrá seguir el avance y escribir al equipo.",
        ReceivedAnother = "Contarnos otra cosa",
        SurveyTitle = "Su experiencia en el hospital",
        SurveyIntro = "Responda las preguntas que pueda; puede dejar cualquiera sin responder. Sus respuestas nos ayudan a mejorar la atención.",
        SurveyContactLabel = "Quiero que alguien se comunique conmigo sobre mi estancia",
        SurveyOutreachLabel = "Pueden invitarme a participar en grupos de opinión de pacientes",
        SurveySubmit = "Enviar mis respuestas",
        SurveyErrorChoice = "Elija una de las respuestas",
        SurveyErrorText = "Escriba 2.000 caracteres como máximo, sin caracteres de formato especiales",
        SurveyErrorNothing = "Responda al menos una pregunta o pida que nos comuniquemos con usted",
        SurveyThanksTitle = "Gracias por sus respuestas",
        SurveyThanksBody = "Las hemos recibido. Si pidió que nos comuniquemos con usted, alguien del equipo de relaciones con los pacientes se pondrá en contacto.",
        SurveyNotFoundTitle = "No encontramos esta encuesta",
        SurveyNotFoundBody = "Compruebe que el enlace esté completo, tal como aparecía en el mensaje que le enviamos.",
        SurveyAnsweredTitle = "Esta encuesta ya fue respondida",
        SurveyAnsweredBody = "Gracias: tenemos sus respuestas. Una encuesta solo se puede responder una vez.",
        SurveyExpiredTitle = "Esta encuesta ya cerró",
        SurveyExpiredBody = "El plazo para responderla ya pasó. Si quiere contarnos sobre su estancia, aún puede usar nuestro formulario de opiniones.",
        FeedbackFormLink = "Ir al formulario de opiniones",
        StatusTitle = "Su inquietud",
        StatusCaseNumber = "Referencia",
        StatusStage = "En qué punto está",
        StatusExpected = "Esperamos responder antes del",
        StatusExpectedNone = "Le diremos cuándo esperamos responder.",
        StatusUpdated = "Última actualización",
        StageReceived = "Recibida",
        StageBeingLookedInto = "En revisión",
        StageResponseSent = "Respuesta enviada",
        StageResolved = "Resuelta",
        StageClosed = "Cerrada",
        StatusMessagesTitle = "Mensajes",
        StatusNoMessages = "Todavía no hay mensajes.",
        StatusFromYou = "Usted",
        StatusFromTeam = "Equipo de relaciones con los pacientes",
        StatusWriteTitle = "Escribir al equipo",
        StatusMessageLabel = "Su mensaje",
        StatusMessageHint = "Se avisa al equipo de que llegó un mensaje y lo leerá aquí. No incluya datos bancarios ni de tarjetas.",
        StatusSend = "Enviar mensaje",
        StatusSent = "Su mensaje se envió.",
        StatusErrorMessage = "Escriba un mensaje de 5.000 caracteres como máximo, sin caracteres de formato especiales",
        StatusErrorBusy = "Su mensaje no se guardó. Envíelo de nuevo.",
        StatusNotFoundTitle = "No encontramos esta página",
        StatusNotFoundBody = "Compruebe que el enlace esté completo, tal como aparecía en el mensaje que le enviamos.",
        StatusRevokedTitle = "Este enlace ya no funciona",
        StatusRevokedBody = "Comuníquese con el equipo de relaciones con los pacientes para obtener uno nuevo.",
    };
}
