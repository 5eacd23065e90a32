namespace PatientExperience.LocalRabbitMq;

/// <summary>
/// The Erlang port mapper (epmd) a node registered with. It outlives the node: stop it once no Erlang node uses it any more,
/// and never while one does (it may be a system node's).
/// </summary>
public static class ErlangPortMapper
{
    private const string Epmd = "epmd";

    /// <summary>What <see cref="StopIfUnusedAsync"/> found: whether it stopped epmd, and the nodes still registered if not.</summary>
    public sealed record Outcome(bool Running, bool Stopped, IReadOnlyList<string> OtherNodes);

    /// <summary>Stops the epmd that <paramref name="environment"/> points at (ERL_EPMD_PORT) when no node is registered with it.</summary>
    public static async Task<Outcome> StopIfUnusedAsync(IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var names = await Cli.RunAsync(Epmd, ["-names"], environment, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (!names.Succeeded) return new Outcome(false, false, []);
            var others = RegisteredNodes(names);
            if (others.Count > 0) return new Outcome(true, false, others);
            await Cli.RunAsync(Epmd, ["-kill"], environment, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return new Outcome(true, true, []);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new Outcome(false, false, []); // No epmd on the PATH: nothing to stop.
        }
    }

    /// <summary>As <see cref="StopIfUnusedAsync"/>, for process-exit handlers where nothing can be awaited.</summary>
    public static void StopIfUnused(IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var names = Cli.Run(Epmd, ["-names"], environment, TimeSpan.FromSeconds(5));
            if (names.Succeeded && RegisteredNodes(names).Count == 0) Cli.Run(Epmd, ["-kill"], environment, TimeSpan.FromSeconds(5));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on the PATH: nothing to stop.
        }
    }

    // "epmd -names" prints "name <node> at port <port>" per registered node.
    private static List<string> RegisteredNodes(CliResult names) =>
        names.Output.Split('\n').Where(line => line.StartsWith("name ", StringComparison.Ordinal)).Select(line => line.Trim()).ToList();
}
