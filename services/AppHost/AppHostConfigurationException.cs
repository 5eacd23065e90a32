namespace PatientExperience.AppHost;

/// <summary>The local run cannot start as configured; the message says what to change. Reported without a stack trace.</summary>
public sealed class AppHostConfigurationException(string message) : Exception(message);
