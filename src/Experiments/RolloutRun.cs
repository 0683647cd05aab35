// Deterministic replay of an action sequence (or seeded random actions) from a seed and optionally a given state,
// recording every step. For debugging a controller and checking compatibility; what `control rollout` runs.
using Control.Core;
using Control.Core.Envs;
using Control.Robots;
using Control.Robots.Wrappers;

namespace Control.Experiments;

/// <summary>Replays actions in an env.</summary>
public static class RolloutRun
{
    /// <summary>Runs the rollout; stops at the end of the actions, of the random steps, or of the episode.</summary>
    public static RolloutReport Run(RolloutRequest request)
    {
        (string name, long seed, bool random) = (request.Env, request.Seed, request.Random);
        if (random == (request.Actions is not null))
            throw new ArgumentException("expected exactly one of --actions and --random");
        if (request.Steps is <= 0) throw new ArgumentException($"expected a positive --steps, got {request.Steps}");
        IEnv env = Envs.Make(name, seed);
        int actionSize = env.ActionSpace.FlatSize;
        List<double[]> plan = request.Actions is null ? [] : ParseActions(env, request.Actions);

        double[] initial = env.Reset(seed);
        if (request.State is not null)
        {
            IStatefulEnv stateful = env.Find<IStatefulEnv>()
                ?? throw new ArgumentException($"{name}: --state needs an env whose state can be set; this one cannot");
            if (env.Find<NormalizeObservation>() is not null)
                throw new ArgumentException($"{name}: --state is not supported through NormalizeObservation (its statistics would see a state it did not produce)");
            double[] x = NumberList.Parse(request.State, "--state");
            stateful.SetState(x);
            stateful.Observe(x, initial);
        }

        var rng = new Rng(seed).Fork(1);
        int total = random ? request.Steps ?? Envs.Spec(name).Horizon : plan.Count;
        var steps = new List<RolloutStep>();
        double episodeReturn = 0;
        for (int t = 0; t < total; t++)
        {
            double[] action = new double[actionSize];
            if (random) env.ActionSpace.Sample(rng, action);
            else action = plan[t];
            Transition tr = env.Step(action);
            episodeReturn += tr.Reward;
            steps.Add(new RolloutStep(t, action, tr.Observation, tr.Reward, tr.Terminated, tr.Truncated));
            if (tr.Done) break;
        }
        return new RolloutReport(name, seed, initial, steps, episodeReturn);
    }

    // Parses and checks every action before the first step, so that a bad sequence fails before it runs.
    private static List<double[]> ParseActions(IEnv env, string text)
    {
        int actionSize = env.ActionSpace.FlatSize;
        string[] steps = actionSize == 1 ? text.Split(',', StringSplitOptions.TrimEntries) : text.Split(';', StringSplitOptions.TrimEntries);
        var plan = new List<double[]>();
        foreach (string step in steps)
        {
            double[] a = NumberList.Parse(step, "--actions");
            EnvChecks.Action(env, a);
            plan.Add(a);
        }
        return plan;
    }
}
