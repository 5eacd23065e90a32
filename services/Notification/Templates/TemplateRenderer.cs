using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;
using PatientExperience.Notification.Channels;
using Stubble.Core;
using Stubble.Core.Builders;
using Stubble.Core.Settings;

namespace PatientExperience.Notification.Templates;

/// <summary>A message rendered for one channel: a subject (email and inbox title) and a body.</summary>
public sealed record RenderedMessage(string? Subject, string Body);

/// <summary>
/// Renders messages from logic-less mustache templates (Stubble): a template can only insert values and test or loop over
/// them, never run code. One file per audience, event and locale (<c>{audience}/{event}.{locale}.mustache</c>, built in, or in
/// <see cref="NotificationOptions.TemplateDirectory"/> to override), in sections headed <c>== subject ==</c>, <c>== email ==</c>,
/// <c>== sms ==</c>, <c>== pager ==</c>, <c>== inbox ==</c>. A locale without its own file uses English. SMS and pager
/// sections are rendered from <see cref="ShortTextModel"/> (staff) or the patient's short view, so whatever a template says,
/// it has nothing about the patient to insert.
/// </summary>
public sealed class TemplateRenderer
{
    public const string Staff = "staff";
    public const string Patient = "patient";
    public const string DefaultLocale = "en";
    public static readonly IReadOnlyList<string> Locales = ["en", "es"];

    private static readonly RenderSettings Settings = new() { SkipHtmlEncoding = true, ThrowOnDataMiss = false, SkipRecursiveLookup = false };
    private readonly StubbleVisitorRenderer _stubble = new StubbleBuilder().Build();
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>?> _templates = new(StringComparer.Ordinal);
    private readonly string? _overrides;

    public TemplateRenderer(IOptions<NotificationOptions> options) => _overrides = options.Value.TemplateDirectory;

    /// <summary>The locale a patient's preferred language maps to: <c>es</c>, <c>es-MX</c>, <c>Spanish</c> give es; anything unknown gives en.</summary>
    public static string LocaleFor(string? language)
    {
        if (string.IsNullOrWhiteSpace(language)) return DefaultLocale;
        var l = language.Trim().ToLowerInvariant();
        if (l is "spanish" or "español" or "espanol") return "es";
        var two = l.Length >= 2 ? l[..2] : l;
        return Locales.Contains(two) ? two : DefaultLocale;
    }

    public RenderedMessage RenderStaff(string @event, string channel, StaffMessageModel model) =>
        Channel.IsShortText(channel)
            ? Render(Staff, @event, DefaultLocale, channel, model.ToShortText().ToView(), model.ToShortText().ToView())
            : Render(Staff, @event, DefaultLocale, channel, model.ToView(), model.ToView());

    public RenderedMessage RenderPatient(string @event, string locale, string channel, PatientMessageModel model) =>
        Channel.IsShortText(channel)
            ? Render(Patient, @event, locale, channel, model.ToShortView(), model.ToShortView())
            : Render(Patient, @event, locale, channel, model.ToView(), model.ToView());

    /// <summary>Whether a template exists for the audience and event (in English at least).</summary>
    public bool Has(string audience, string @event) => Sections(audience, @event, DefaultLocale) is not null;

    private RenderedMessage Render(string audience, string @event, string locale, string channel, IReadOnlyDictionary<string, object?> subjectView, IReadOnlyDictionary<string, object?> bodyView)
    {
        var sections = Sections(audience, @event, locale) ?? Sections(audience, @event, DefaultLocale)
            ?? throw new InvalidOperationException($"No template {audience}/{@event}.");
        if (!sections.TryGetValue(channel, out var body))
            throw new InvalidOperationException($"Template {audience}/{@event} has no '{channel}' section.");
        // The subject is rendered with the same view as the body: for SMS and pager, the short one.
        var subject = Channel.IsShortText(channel) ? null
            : sections.TryGetValue(channel == Channel.Inbox && sections.ContainsKey("inbox-title") ? "inbox-title" : "subject", out var s) ? Clean(_stubble.Render(s, subjectView, Settings)) : null;
        return new RenderedMessage(subject, Clean(_stubble.Render(body, bodyView, Settings)));
    }

    private IReadOnlyDictionary<string, string>? Sections(string audience, string @event, string locale) =>
        _templates.GetOrAdd($"{audience}/{@event}.{locale}", name =>
        {
            var text = Load(name + ".mustache");
            return text is null ? null : Parse(text);
        });

    private string? Load(string relative)
    {
        if (_overrides is not null)
        {
            var file = Path.Combine(_overrides, relative);
            if (File.Exists(file)) return File.ReadAllText(file);
        }

        using var stream = typeof(TemplateRenderer).Assembly.GetManifestResourceStream("templates/" + relative);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var lines = new List<string>();
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("== ", StringComparison.Ordinal) && t.EndsWith(" ==", StringComparison.Ordinal) && t.Length > 6)
            {
                if (current is not null) sections[current] = string.Join('\n', lines);
                current = t[3..^3].Trim();
                lines.Clear();
            }
            else if (current is not null)
            {
                lines.Add(line);
            }
        }

        if (current is not null) sections[current] = string.Join('\n', lines);
        return sections;
    }

    /// <summary>Trims the text and collapses the blank lines that empty sections leave behind.</summary>
    private static string Clean(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var result = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 && (result.Count == 0 || result[^1].Length == 0)) continue;
            result.Add(line);
        }

        return string.Join('\n', result).Trim();
    }
}
