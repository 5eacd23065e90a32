using System.Diagnostics;

namespace PatientExperience.LocalRabbitMq;

/// <summary>The node's operating-system processes: the server script and its Erlang VM (beam.smp).</summary>
public static class NodeProcess
{
    /// <summary>Whether the process runs; a zombie (exited, not yet reaped) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X' or default(char));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Waits, polling, for the process to exit; false when it still runs after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (clock.Elapsed >= timeout) return false;
            await Task.Delay(200).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Kills the node's Erlang VM by the pid it wrote (in case the server script went first); quietly if it is gone.</summary>
    public static void KillBeam(RabbitMqNodeLayout node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.ReadPid() is not { } pid) return;
        try
        {
            using var beam = Process.GetProcessById(pid);
            if (beam.ProcessName.StartsWith("beam", StringComparison.Ordinal)) beam.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
