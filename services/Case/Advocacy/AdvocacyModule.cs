using PatientExperience.Case.Complainants;
using PatientExperience.Messaging;
using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary>
/// The advocacy program and the complainant's side of a case: the advocate roster and matching (assignment policies, automatic
/// assignment at opening), the status page with its token, and secure messages. Its collections are passed to the case
/// service's store by <see cref="CaseModule"/> (<see cref="Collections"/>).
/// </summary>
public static class AdvocacyModule
{
    public static readonly CollectionDefinition[] Collections = [AssignmentPolicyStore.Definition, ComplainantThreadStore.Definition, ComplainantThreadStore.ReplacedDefinition, AdvocateReservations.Definition];

    public static IHostApplicationBuilder AddAdvocacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComplainantsOptions>()
            .Bind(builder.Configuration.GetSection(ComplainantsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CaseloadStore>();
        builder.Services.AddSingleton<LeaveReassignmentNotices>();
        builder.Services.AddSingleton<AdvocateRoster>();
        builder.Services.AddSingleton<AdvocateReservations>();
        builder.Services.AddSingleton<AssignmentPolicyStore>();
        builder.Services.AddSingleton<ComplainantThreadStore>();
        builder.Services.AddSingleton<ComplainantMessaging>();
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<AutoAssignmentConsumer>().Endpoint(e => e.Name = "case-auto-assignment");
            bus.AddConsumer<StatusPageIssuer>().Endpoint(e => e.Name = "case-status-page");
        });
        return builder;
    }

    public static RouteGroupBuilder MapAdvocacyApi(this RouteGroupBuilder api)
    {
        api.MapAdvocatesApi();
        api.MapAssignmentPolicyApi();
        api.MapStatusPageApi();
        api.MapCaseMessagesApi();
        return api;
    }
}
