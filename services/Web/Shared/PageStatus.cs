namespace PatientExperience.Web.Shared;

public static class PageStatus
{
    /// <summary>
    /// Answers the page with <paramref name="status"/> (400 for a form with errors, 404/409/410 for a link that does not work,
    /// 503 when nothing could be sent). Set as the response starts: a Blazor page that sets 404 while it renders is taken
    /// for a missing page and its own explanation is not written.
    /// </summary>
    public static void Set(HttpContext context, int status) =>
        context.Response.OnStarting(() =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
}
