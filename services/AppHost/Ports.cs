namespace PatientExperience.AppHost;

/// <summary>
/// Fixed ports, the same as the services' own launch profiles, so a service can be restarted from an IDE while the rest keep
/// running. Not proxied by Aspire: each service listens on exactly these, and the others are told exactly these.
/// </summary>
public static class Ports
{
    public const int Gateway = 8080;
    public const int IntakeHttp = 5101;
    public const int IntakeGrpc = 5111;
    public const int CaseHttp = 5102;
    public const int CaseGrpc = 5112;
    public const int NotificationHttp = 5103;
    public const int NotificationGrpc = 5113;
    public const int SurveyHttp = 5104;
    public const int SurveyGrpc = 5114;
    public const int ReportingHttp = 5105;
    public const int ReportingGrpc = 5115;
    public const int WebHttp = 5106;
}
