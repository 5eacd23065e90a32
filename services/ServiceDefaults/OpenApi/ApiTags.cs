using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;

namespace PatientExperience.ServiceDefaults.OpenApi;

/// <summary>What each group of endpoints (<c>WithTags</c>) is for, shown by the API reference above its operations.</summary>
public static class ApiTags
{
    public static IServiceCollection DescribeApiTags(this IServiceCollection services, params (string Name, string Description)[] tags)
    {
        services.Configure<OpenApiOptions>("v1", (OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
        {
            foreach (var tag in document.Tags ?? new HashSet<Microsoft.OpenApi.OpenApiTag>())
            {
                foreach (var (name, description) in tags)
                    if (tag.Name == name) tag.Description = description;
            }
            return Task.CompletedTask;
        }));
        return services;
    }
}
