// `control run`: an exported ONNX policy in ONNX Runtime, driven by the fixed-rate control loop against a simulated
// robot (any registered env). Episode k is seeded seed + k as in `control eval`, so the returns of a deterministic
// policy's export equal the checkpoint's evaluation for the same seeds.
using System.Globalization;
using System.Text;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Loop;
using Control.Deploy.Onnx;
using Control.Experiments.Artifacts;
using Control.Robots;

namespace Control.Experiments;

/// <summary>Runs an ONNX policy in the control loop.</summary>
public static class DeployRun
{
    /// <summary>
    /// Runs <see cref="DeployRequest.Episodes"/> episodes; a loop the watchdog stopped early says so in
    /// <see cref="DeployReport.StopReason"/> (the CLI then fails).
    /// </summary>
    /// <exception cref="OnnxContractException">The file is not a policy of Control's ONNX contract.</exception>
    /// <exception cref="ArgumentException">The env's spaces are not the policy's, or a setting is out of range.</exception>
    /// <exception cref="ExecutionProviderException">The requested execution provider is not in this ONNX Runtime build.</exception>
    public static DeployReport Run(DeployRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Episodes < 1) throw new ArgumentOutOfRangeException(nameof(request), request.Episodes, "run: expected at least one episode");
        var config = new ControlLoopConfig
        {
            RateHz = request.RateHz, Episodes = request.Episodes, Ticks = checked(request.Episodes * Envs.Spec(request.Env).Horizon + 1),
        };
        using OnnxPolicy policy = OnnxPolicy.Load(request.Policy, new OnnxPolicyOptions { Provider = request.Provider });
        IEnv env = Envs.Make(request.Env, request.Seed);
        CheckSpaces(policy, env);
        if (!(request.SpinMicroseconds >= 0)) throw new ArgumentOutOfRangeException(nameof(request), request.SpinMicroseconds, "run: expected a spin time of at least 0 us");
        IClock clock = request.SimulatedClock ? new SimulatedClock() : new SystemClock(TimeSpan.FromMicroseconds(request.SpinMicroseconds));
        var loop = new ControlLoop(policy, new SimulatedRobotIO(env, request.Seed, policy.Input), config, clock);
        ControlLoopReport report = loop.Run();
        if (request.OutputDirectory is string directory) WriteTicks(directory, loop.Statistics);
        bool any = report.Episodes.Count > 0;
        return new DeployReport(Path.GetFullPath(request.Policy), request.Env, policy.Algorithm, report.StopReason.ToString(), report.LastPolicyException?.Message,
            report.Episodes.Count, any ? report.MeanReturn : null, any ? report.StdReturn : null,
            report.Episodes.Select(e => e.Return).ToList(), report.RateHz, report.Ticks, report.BusyTime.P50Microseconds, report.BusyTime.P99Microseconds,
            report.BusyTime.MaxMicroseconds, report.PolicyTime.P50Microseconds, report.PolicyTime.P99Microseconds, report.StartJitter.P50Microseconds,
            report.StartJitter.P99Microseconds, report.DeadlineMisses, report.SkippedTicks, report.Watchdog.Trips, report.SafetyFilter.Clipped,
            request.SimulatedClock, report.ElapsedSeconds);
    }

    // Every tick's durations, in microseconds, for `control plot` (a histogram of the tick times).
    private static void WriteTicks(string directory, TickStatistics statistics)
    {
        Directory.CreateDirectory(directory);
        var text = new StringBuilder("tick,busy_us,policy_us,jitter_us\n");
        for (int i = 0; i < statistics.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{i},{statistics.BusyNanoseconds[i] / 1e3:R},{statistics.PolicyNanoseconds[i] / 1e3:R},{statistics.JitterNanoseconds[i] / 1e3:R}\n");
        }
        RunFiles.WriteText(Path.Combine(directory, RunFiles.Ticks), text.ToString());
    }

    // The policy's contract against the env it is about to drive: the same observation (or state) and action spaces.
    private static void CheckSpaces(OnnxPolicy policy, IEnv env)
    {
        Space observed = policy.Input == PolicyInput.State ? ExportRun.StateSpace(env) : env.ObservationSpace;
        if (!policy.ObservationSpace.Equals(observed) || !policy.ActionSpace.Equals(env.ActionSpace))
        {
            throw new ArgumentException(
                $"run: the policy {policy.ModelSource} (trained on {policy.Env ?? "an unnamed env"}) observes {policy.ObservationSpace.Describe()} and acts in {policy.ActionSpace.Describe()}; "
                + $"{env.Name} {(policy.Input == PolicyInput.State ? "has the state" : "observes")} {observed.Describe()} and acts in {env.ActionSpace.Describe()}");
        }
    }
}
