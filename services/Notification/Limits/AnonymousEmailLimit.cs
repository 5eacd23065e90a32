using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Limits;

/// <summary>How many acknowledgements one address given anonymously receives per day (UTC), counted in the store.</summary>
public sealed class AnonymousEmailLimitOptions
{
    /// <summary>At most this many acknowledgements to one address per UTC day (1 to 100; default 3).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100, ErrorMessage = "Notification:AnonymousEmail:PerAddressPerDay must be between 1 and 100.")]
    public int PerAddressPerDay { get; set; } = 3;
}

/// <summary>One address's count for one day. The id is a hash of the address and the day; the address itself is not stored.</summary>
public sealed record AnonymousEmailCount(int Count);

/// <summary>
/// Keeps the public form from being a mail cannon: acknowledgements to an address someone typed into the anonymous form are
/// counted per address per UTC day in the store (shared by every replica), and refused past
/// <see cref="AnonymousEmailLimitOptions.PerAddressPerDay"/>. The per-client limit is the gateway's rate limit on the public
/// POST. Counters are keyed by a SHA-256 of the normalised address and the day, never the address.
/// </summary>
public sealed class AnonymousEmailLimit(
    [FromKeyedServices(NotificationModule.ServiceName)] IDocumentStore store, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public static readonly CollectionDefinition Definition = new("anonymous_email_counts");

    private readonly IDocumentCollection<AnonymousEmailCount> _counts = store.Collection<AnonymousEmailCount>(Definition);

    /// <summary>Takes one send for the address today; false when its limit is reached (nothing is counted then).</summary>
    public async Task<bool> TryTakeAsync(string address, CancellationToken ct)
    {
        var limit = options.Value.AnonymousEmail.PerAddressPerDay;
        var id = KeyFor(address, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var current = await _counts.GetAsync(id, ct);
                if (current is null)
                {
                    await _counts.InsertAsync(id, new AnonymousEmailCount(1), [], ct);
                    return true;
                }

                if (current.Document.Count >= limit) return false;
                await _counts.ReplaceAsync(id, new AnonymousEmailCount(current.Document.Count + 1), current.Version, [], ct);
                return true;
            }
            catch (Exception e) when (e is DuplicateDocumentException or ConcurrencyConflictException && attempt < 10)
            {
                // Another send to the same address counted first: read again.
            }
        }
    }

    private static string KeyFor(string address, DateOnly day) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("anonymous-email:" + address.Trim().ToLowerInvariant())))
        + ":" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
