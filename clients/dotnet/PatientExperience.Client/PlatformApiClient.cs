namespace PatientExperience.Client;

// Hand-written beside the generated client (PlatformApiClient.g.cs): what NSwag leaves to partial methods.
public partial class PlatformApiClient
{
    /// <summary>
    /// Keeps every answer's text, so a <see cref="PlatformApiException"/> carries the problem document (RFC 7807) in
    /// <see cref="PlatformApiException.Response"/>: its <c>errors</c> name the fields a page ties its messages to.
    /// </summary>
    partial void Initialize() => ReadResponseAsString = true;
}
