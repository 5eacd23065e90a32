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
/// the model, nothing protected) reads as it is. Every call to the PHI protector for staff text is in this class.
/// </summary>
public sealed class StaffText(IPhiProtector phi)
{
    private sealed record Sealed(string? Title, string? Message);

    /// <summary>The delivery as it is stored: without the title and message in clear.</summary>
    public Delivery Seal(Delivery d)
    {
        if (d.StaffMessage is not { } model || (model.Title is null && model.Message is null)) return d;
        var text = JsonSerializer.Serialize(new Sealed(model.Title, model.Message), StoreJson.Options);
        return d with { StaffMessage = model with { Title = null, Message = null }, ProtectedStaffText = phi.Protect(text) };
    }

    /// <summary>The message model with the title and message decrypted (as stored when they were written in clear).</summary>
    public StaffMessageModel? Reveal(Delivery d)
    {
        if (d.StaffMessage is not { } model || d.ProtectedStaffText is not { } protectedText) return d.StaffMessage;
        var text = JsonSerializer.Deserialize<Sealed>(phi.Unprotect(protectedText), StoreJson.Options)
            ?? throw new InvalidOperationException($"Delivery {d.Id} has empty staff text.");
        return model with { Title = text.Title, Message = text.Message };
    }

    /// <summary>
    /// What the ciphertext is bound to once the protector takes a record context: the cause and the recipient, which a
    /// fallback delivery (a copy on another channel) shares with the one it replaces.
    /// </summary>
    internal static string ContextOf(Delivery d) => $"{d.SourceKey}|{d.RecipientId}";
}
