using Microsoft.Extensions.Options;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Guidance;

/// <summary>
/// The demo health system's guidance library, seeded with the directory (<c>Directory:SeedDemo</c>): a billing concern's
/// financial-counselling contact, a grievance's CMS letter checklist, a safety concern's incident-reporting route, and a
/// patient leaflet for billing questions. An entry already there is left as it is.
/// </summary>
internal sealed class DemoGuidanceSeeder(GuidanceStore store, IOptions<DirectoryOptions> options) : IHostedService
{
    public static readonly IReadOnlyList<GuidanceDraft> Entries =
    [
        new("billing-financial-counselling", GuidanceKind.Guidance, new GuidanceScope(["billing"], [], []),
            new("Billing concern: involve financial counselling", "Queja de facturación: involucre a asesoría financiera"),
            new("""
                - Put the patient in touch with **Financial Counselling** (patient financial services), weekdays 8:00-17:00, extension 4-2200.
                - Ask for an itemised bill and hold collection activity while the concern is open.
                - Check eligibility for financial assistance (charity care) before any payment plan.
                """,
                """
                - Ponga al paciente en contacto con **Asesoría Financiera** (servicios financieros al paciente), días laborables de 8:00 a 17:00, extensión 4-2200.
                - Solicite una factura detallada y suspenda los cobros mientras la queja esté abierta.
                - Verifique si califica para asistencia financiera antes de cualquier plan de pagos.
                """)),
        new("billing-patient-leaflet", GuidanceKind.PatientResource, new GuidanceScope(["billing"], [], []),
            new("Questions about your bill", "Preguntas sobre su factura"),
            new("""
                Our financial counsellors can explain your bill, set up a payment plan or check whether you qualify for financial assistance.
                Call **555-0142** (weekdays 8:00-17:00) and give your case number.
                """,
                """
                Nuestros asesores financieros pueden explicarle su factura, acordar un plan de pagos o verificar si califica para asistencia financiera.
                Llame al **555-0142** (días laborables de 8:00 a 17:00) e indique su número de caso.
                """)),
        new("grievance-cms-letter-checklist", GuidanceKind.Guidance, new GuidanceScope([], [CaseType.Grievance], []),
            new("Grievance: the CMS response letter checklist", "Queja formal: lista de verificación de la carta CMS"),
            new("""
                The written response (42 CFR 482.13(a)(2)(iii)) must give:
                1. the name of the hospital contact person;
                2. the steps taken to investigate the grievance;
                3. the results of the grievance process;
                4. the date of completion.
                Send an interim notice if the grievance cannot be resolved within the facility's response time.
                """,
                """
                La respuesta por escrito (42 CFR 482.13(a)(2)(iii)) debe indicar:
                1. el nombre de la persona de contacto del hospital;
                2. los pasos tomados para investigar la queja;
                3. los resultados del proceso;
                4. la fecha de conclusión.
                Envíe un aviso provisional si la queja no puede resolverse dentro del plazo de respuesta del centro.
                """)),
        new("safety-incident-reporting", GuidanceKind.Guidance, new GuidanceScope([], [], [Severity.Critical]),
            new("Safety concern: report it as an incident", "Problema de seguridad: notifíquelo como incidente"),
            new("""
                - File an incident report in the safety reporting system **today**; note the incident number in the case.
                - Tell the house supervisor and the compliance officer at once; do not investigate alone.
                - Abuse or neglect allegations follow the mandatory reporting policy (state agency within 24 hours).
                """,
                """
                - Registre un informe de incidente en el sistema de notificación de seguridad **hoy**; anote el número de incidente en el caso.
                - Avise de inmediato al supervisor de turno y al responsable de cumplimiento; no investigue solo.
                - Las denuncias de abuso o negligencia siguen la política de notificación obligatoria (agencia estatal en 24 horas).
                """)),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemo) return;
        foreach (var draft in Entries) await store.TryAddAsync(GuidanceEntry.Create(draft, "demo-seed", DateTimeOffset.UnixEpoch), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class GuidanceModule
{
    public static readonly Storage.CollectionDefinition[] Collections = [GuidanceStore.Definition];

    public static IHostApplicationBuilder AddGuidanceLibrary(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GuidanceStore>();
        builder.Services.AddHostedService<DemoGuidanceSeeder>();
        return builder;
    }
}
