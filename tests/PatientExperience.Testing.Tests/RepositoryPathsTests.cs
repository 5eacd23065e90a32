namespace PatientExperience.Testing.Tests;

public sealed class RepositoryPathsTests
{
    [Fact]
    public void Finds_the_repository_and_the_configuration_from_the_test_output()
    {
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, RepositoryPaths.SolutionFile)));
        Assert.Contains(RepositoryPaths.Configuration, new[] { "Debug", "Release" });
    }

    [Fact]
    public void Finds_a_project_folder_outside_tests_and_says_when_it_is_missing()
    {
        var messaging = RepositoryPaths.ProjectDirectory("PatientExperience.Messaging");
        Assert.True(File.Exists(Path.Combine(messaging, "PatientExperience.Messaging.csproj")));

        Assert.Throws<FileNotFoundException>(() => RepositoryPaths.ProjectDirectory("PatientExperience.NoSuchService"));
        // Test projects are not services: the search leaves tests/ out.
        Assert.Throws<FileNotFoundException>(() => RepositoryPaths.ProjectDirectory("PatientExperience.Testing.Tests"));
    }

    [Fact]
    public void A_free_port_can_be_listened_on()
    {
        var port = ServiceProcess.FreeTcpPort();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();
        Assert.InRange(port, 1, 65535);
    }
}
