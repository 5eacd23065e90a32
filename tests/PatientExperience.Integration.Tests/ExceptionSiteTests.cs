using PatientExperience.ServiceDefaults;

namespace PatientExperience.Integration.Tests;

public sealed class ExceptionSiteTests
{
    [Fact]
    public void Names_the_types_and_frames_of_an_exception_and_its_causes_but_never_their_messages()
    {
        Exception caught;
        try
        {
            ThrowWithCause("Jane Doe fell in room 12");
            throw new InvalidOperationException("unreachable");
        }
        catch (Exception e)
        {
            caught = e;
        }

        var site = ExceptionSite.Describe(caught);

        Assert.Contains(typeof(InvalidOperationException).FullName!, site);
        Assert.Contains("caused by " + typeof(FormatException).FullName, site);
        Assert.Contains(nameof(ThrowWithCause), site);
        Assert.DoesNotContain("Jane Doe", site);
        Assert.DoesNotContain("room 12", site);
    }

    private static void ThrowWithCause(string phi)
    {
        try
        {
            throw new FormatException(phi);
        }
        catch (FormatException inner)
        {
            throw new InvalidOperationException("Could not read " + phi, inner);
        }
    }
}
