using System.Text.Json;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Deliveries;

/// <summary>
/// The free text staff write in a <c>SendNotification</c> (its title and message), kept encrypted in the notification store
/// like notes in the case service: <see cref="Seal"/> moves them out of the stored message model into
/// <see cref="Delivery.ProtectedStaffText"/>, and <see cref="Reveal"/> puts them back for the two readers allowed to see
/// them: the recipient's own inbox and the worker that sends the email. A delivery stored before this (title and message in
/// the model, nothing protected) reads as it is. The ciphertext is bound to its delivery. Every call to the PHI protector for
/// staff text is in this class.
/// </summary>
public sealed class StaffText(NotificationPhiProtector phi)
{
    private sealed record Sealed(string? Title, string? Message);

    /// <summary>The delivery as it is stored: without the title and message in clear.</summary>
    public Delivery Seal(Delivery d)
    {
        if (d.StaffMessage is not { } model || (model.Title is null && model.Message is null)) return d;
        var text = JsonSerializer.Serialize(new Sealed(model.Title, model.Message), StoreJson.Options);
        return d with { StaffMessage = model with { Title = null, Message = null }, ProtectedStaffText = phi.Protect(text, Delivery.RecordOf(d.Id)) };
    }

    /// <summary>The message model with the title and message decrypted (as stored when they were written in clear).</summary>
    public StaffMessageModel? Reveal(Delivery d)
    {
        if (d.StaffMessage is not { } model || d.ProtectedStaffText is not { } protectedText) return d.StaffMessage;
        var text = JsonSerializer.Deserialize<Sealed>(phi.Unprotect(protectedText, Delivery.RecordOf(d.Id)), StoreJson.Options)
            ?? throw new InvalidOperationException($"Delivery {d.Id} has empty staff text.");
        return model with { Title = text.Title, Message = text.Message };
    }

    /// <summary>
    /// The delivery with its staff text encrypted again for <paramref name="id"/>: the ciphertext is bound to its delivery
    /// (<see cref="Delivery.RecordOf"/>), so a copy under another id (a fallback on another channel) gets its own.
    /// </summary>
    public Delivery Rebind(Delivery d, Guid id) =>
        d.ProtectedStaffText is { } protectedText ? d with { ProtectedStaffText = phi.Protect(phi.Unprotect(protectedText, Delivery.RecordOf(d.Id)), Delivery.RecordOf(id)) } : d;
}
