using Microsoft.Extensions.Primitives;
using PatientExperience.ServiceDefaults.Http;

namespace PatientExperience.Case.Tests;

/// <summary>The one reading of If-Match every service shares: what the strict (directory, SLA) and lenient (case actions) checks see.</summary>
public sealed class IfMatchTests
{
    [Fact]
    public void An_absent_or_blank_header_is_not_present()
    {
        Assert.False(IfMatch.Parse(StringValues.Empty).IsPresent);
        Assert.False(IfMatch.Parse(new StringValues("  ")).IsPresent);
    }

    [Theory]
    [InlineData("\"3\"", 3L)]
    [InlineData(" \"0\" ", 0L)]
    [InlineData("\"12\", ", 12L)]
    public void One_strong_quoted_tag_names_its_version(string header, long version)
    {
        var ifMatch = IfMatch.Parse(new StringValues(header));
        Assert.True(ifMatch.IsPresent);
        Assert.True(ifMatch.IsStrongVersion);
        Assert.Equal(version, ifMatch.Version);
        Assert.Equal(header, ifMatch.Raw);
    }

    [Theory]
    [InlineData("W/\"3\"")]
    [InlineData("3")]
    public void A_weak_or_unquoted_tag_names_a_version_but_not_a_strong_one(string header)
    {
        var ifMatch = IfMatch.Parse(new StringValues(header));
        Assert.Equal(3L, ifMatch.Version);
        Assert.False(ifMatch.IsStrongVersion);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"3\", \"4\"")]
    [InlineData("\"abc\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"\"")]
    public void A_wildcard_several_tags_or_no_number_name_no_version(string header)
    {
        var ifMatch = IfMatch.Parse(new StringValues(header));
        Assert.True(ifMatch.IsPresent);
        Assert.Null(ifMatch.Version);
    }

    [Fact]
    public void Several_header_lines_are_several_tags() =>
        Assert.Null(IfMatch.Parse(new StringValues(["\"3\"", "\"4\""])).Version);

    [Fact]
    public void The_etag_of_a_version_is_the_number_in_quotes() => Assert.Equal("\"42\"", IfMatch.ETagFor(42));
}
