using Control.Core;
using Control.Core.Envs;
using Control.Tensors;

namespace Control.ModelBased.Svg;

/// <summary>
/// Runs the SVG policy on one env that exposes its state, recording (s, a, eta, r, s', terminal, log mu(a | s)) into an
/// <see cref="SvgReplay"/>: uniformly random actions for the first RandomSteps env steps, then samples
/// a = pi(s, eta), eta ~ N(0, I). The next state of a transition is read before any reset, so the last transition of
/// every episode is kept whole.
/// </summary>
public sealed class SvgCollector
{
    private readonly IEnv env;
    private readonly IStatefulEnv stateful;
    private readonly SvgActor actor;
    private readonly SvgReplay replay;
    private readonly long randomSteps;
    private readonly double[] observation, state, nextState, action, noise, inferred, logProb;
    private readonly double uniformLogDensity;
    private readonly Queue<double> recentReturns = new();
    private double episodeReturn;

    /// <summary>A collector on <paramref name="env"/> (reset here with <paramref name="seed"/>).</summary>
    public SvgCollector(IEnv env, IStatefulEnv stateful, SvgActor actor, SvgReplay replay, long randomSteps, Rng rng, long seed)
    {
        this.env = env;
        this.stateful = stateful;
        this.actor = actor;
        this.replay = replay;
        this.randomSteps = randomSteps;
        Rng = rng;
        observation = new double[env.ObservationSpace.FlatSize];
        state = new double[stateful.StateSize];
        nextState = new double[stateful.StateSize];
        action = new double[actor.ActionSize];
        noise = new double[actor.ActionSize];
        inferred = new double[actor.ActionSize];
        logProb = new double[1];
        Box box = actor.ControlBounds;
        for (int j = 0; j < box.FlatSize; j++) uniformLogDensity -= Math.Log(box.High[j] - box.Low[j]);
        env.Reset(observation, seed);
    }

    /// <summary>The generator of the random actions and the policy's noise.</summary>
    public Rng Rng { get; set; }

    /// <summary>Env steps taken.</summary>
    public long EnvSteps { get; private set; }

    /// <summary>Episodes finished.</summary>
    public int EpisodeCount { get; private set; }

    /// <summary>Mean return of the last (up to) 10 finished episodes; NaN before the first.</summary>
    public double MeanEpisodeReturn => recentReturns.Count == 0 ? double.NaN : recentReturns.Average();

    /// <summary>Takes <paramref name="steps"/> env steps.</summary>
    public void Collect(int steps)
    {
        Box box = actor.ControlBounds;
        for (int k = 0; k < steps; k++)
        {
            stateful.GetState(state);
            double behaviourLogProb;
            if (EnvSteps < randomSteps)
            {
                for (int j = 0; j < action.Length; j++) action[j] = Rng.Uniform(box.Low[j], box.High[j]);
                actor.InferNoise(state, action, noise, logProb);
                behaviourLogProb = uniformLogDensity;
            }
            else
            {
                for (int j = 0; j < noise.Length; j++) noise[j] = Rng.Normal();
                using (TensorScope.Begin())
                using (Autograd.NoGrad())
                    actor.Act(Tensor.FromArray(state, 1, state.Length), Tensor.FromArray(noise, 1, noise.Length)).ToDoubleArray().CopyTo(action, 0);
                actor.InferNoise(state, action, inferred, logProb);
                behaviourLogProb = logProb[0];
            }
            StepResult result = env.Step(action, observation);
            stateful.GetState(nextState);
            bool ended = result.Terminated || result.Truncated;
            replay.Add(state, action, noise, nextState, result.Reward, result.Terminated, behaviourLogProb, ended);
            EnvSteps++;
            episodeReturn += result.Reward;
            if (!ended) continue;
            EpisodeCount++;
            recentReturns.Enqueue(episodeReturn);
            if (recentReturns.Count > 10) recentReturns.Dequeue();
            episodeReturn = 0;
            env.Reset(observation);
        }
    }

    /// <summary>Writes the env's run state, the counters and the running episode.</summary>
    public void Write(BinaryWriter w)
    {
        if (env is not ISnapshotEnv snapshot) throw new InvalidOperationException($"SVG: env '{env.Name}' cannot write its run state (ISnapshotEnv), so the run cannot be checkpointed.");
        snapshot.WriteSnapshot(w);
        w.Write(EnvSteps);
        w.Write(EpisodeCount);
        w.Write(episodeReturn);
        w.Write(recentReturns.Count);
        foreach (double r in recentReturns) w.Write(r);
    }

    /// <summary>Restores what <see cref="Write"/> wrote.</summary>
    public void Read(BinaryReader r)
    {
        if (env is not ISnapshotEnv snapshot) throw new InvalidOperationException($"SVG: env '{env.Name}' cannot read a run state (ISnapshotEnv).");
        snapshot.ReadSnapshot(r);
        EnvSteps = r.ReadInt64();
        EpisodeCount = r.ReadInt32();
        episodeReturn = r.ReadDouble();
        int count = r.ReadInt32();
        if (count is < 0 or > 10) throw new InvalidDataException($"SVG: expected at most 10 recent returns, got {count}");
        recentReturns.Clear();
        for (int i = 0; i < count; i++) recentReturns.Enqueue(r.ReadDouble());
    }
}
