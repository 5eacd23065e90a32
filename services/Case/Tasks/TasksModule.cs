using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientExperience.Messaging;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tasks;

/// <summary>
/// Department tasks across cases: the worklist read model, the reminder and overdue timers and their notices. The tasks
/// themselves live in their cases (<see cref="Cases.CaseFile.AddTask(string, string?, string?, DateTimeOffset?, Func{string, string}, DateTimeOffset, string?)"/>).
/// </summary>
public static class TasksModule
{
    public static readonly CollectionDefinition[] Collections = [DepartmentTaskStore.Definition];

    public static IHostApplicationBuilder AddDepartmentTasks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TasksOptions>()
            .Bind(builder.Configuration.GetSection(TasksOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DepartmentTaskStore>();
        builder.Services.TryAddSingleton<Timers>();
        builder.Services.AddSingleton<TaskTimers>();
        builder.Services.AddSingleton<TaskNotices>();
        // Setting a task's timer again (a redelivered event) replaces it rather than adding another.
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<TaskNoticeDue>(m => m.TokenId == Guid.Empty ? null : m.TokenId);
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<DepartmentTaskProjection>().Endpoint(e => e.Name = "case-department-tasks");
            bus.AddConsumer<TaskNoticeDueConsumer>().Endpoint(e => e.Name = TaskTimers.Queue);
        });
        return builder;
    }
}
