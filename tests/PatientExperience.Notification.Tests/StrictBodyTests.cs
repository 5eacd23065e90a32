using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PatientExperience.Notification.Tests;

/// <summary>A misspelt property in a person's preferences (<c>quietHour</c>) is a 400 naming it, and nothing is saved.</summary>
public sealed class StrictBodyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_misspelt_property_in_preferences_is_a_400_naming_it_and_nothing_is_saved()
    {
        await using var app = await NotificationApp.StartAsync();
        var me = app.ClientFor("rg-medicine-head");

        var response = await me.PutAsync("/api/v1/notifications/preferences", new StringContent(
            """{"timeZone":"America/Chicago","channels":{"critical":["pager"]},"quietHour":{"start":"22:00","end":"07:00"}}""",
            Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Equal(["quietHour"], errors.EnumerateObject().Select(p => p.Name));
        var mine = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/preferences", Ct);
        Assert.True(mine.GetProperty("isDefault").GetBoolean());
    }
}
