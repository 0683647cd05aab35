// An IEnv seen as a robot: reading gives the env's current observation (or its state, for a state-feedback policy),
// writing steps the env. Episodes follow
// Control's evaluation convention (Policies' Evaluation, `control eval`): episode k is reset with seed + k, so a policy
// run here through the control loop meets exactly the episodes it meets in evaluation. An episode that ends
// (terminated or truncated) is recorded, and the env is reset lazily at the next read, which then reports an
// episode start. Only the episode list grows (at episode ends, never per tick).
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Deploy.Loop;

/// <summary>A simulated robot: any <see cref="IEnv"/> behind the <see cref="IRobotIO"/> contract.</summary>
public sealed class SimulatedRobotIO : IRobotIO
{
    private readonly double[] observation;
    private readonly IStatefulEnv? stateful;
    private readonly List<EpisodeResult> episodes = new(capacity: 64);
    private bool needsReset = true;
    private double episodeReturn;
    private int episodeSteps;

    /// <summary>
    /// Drives <paramref name="env"/>; its first episode is reset with <paramref name="seed"/>, episode k with seed + k.
    /// With <paramref name="input"/> <see cref="PolicyInput.State"/> a read gives the env's state instead of its observation.
    /// </summary>
    /// <exception cref="ArgumentException">State reads on an env that does not expose its state.</exception>
    public SimulatedRobotIO(IEnv env, long seed, PolicyInput input = PolicyInput.Observation)
    {
        Env = env ?? throw new ArgumentNullException(nameof(env));
        Seed = seed;
        observation = new double[env.ObservationSpace.FlatSize];
        if (input == PolicyInput.State)
        {
            stateful = env.Find<IStatefulEnv>()
                ?? throw new ArgumentException($"simulated robot on '{env.Name}': a state-feedback policy needs an env that exposes its state (IStatefulEnv).", nameof(env));
        }
        ObservationSize = stateful?.StateSize ?? observation.Length;
    }

    /// <summary>The env being driven.</summary>
    public IEnv Env { get; }

    /// <summary>Seed of the first episode.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public int ObservationSize { get; }

    /// <inheritdoc />
    public int ActionSize => Env.ActionSpace.FlatSize;

    /// <inheritdoc />
    public Space ActionSpace => Env.ActionSpace;

    /// <inheritdoc />
    public IReadOnlyList<EpisodeResult> CompletedEpisodes => episodes;

    /// <summary>Sum of rewards of the running episode so far.</summary>
    public double EpisodeReturn => episodeReturn;

    /// <summary>Steps taken in the running episode so far.</summary>
    public int EpisodeSteps => episodeSteps;

    /// <inheritdoc />
    public ObservationStatus ReadObservation(Span<double> destination)
    {
        if (destination.Length != ObservationSize)
            throw new ArgumentException($"simulated robot on '{Env.Name}': expected an observation buffer of length {ObservationSize}, got length {destination.Length}.", nameof(destination));
        ObservationStatus status = ObservationStatus.Continuing;
        if (needsReset)
        {
            Env.Reset(observation, Seed + episodes.Count);
            needsReset = false;
            episodeReturn = 0;
            episodeSteps = 0;
            status = ObservationStatus.EpisodeStart;
        }
        if (stateful is null) observation.CopyTo(destination);
        else stateful.GetState(destination);
        return status;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No episode is running: the first read, or the read after an episode ended, has not happened yet.</exception>
    public void WriteAction(ReadOnlySpan<double> action)
    {
        if (needsReset)
            throw new InvalidOperationException($"simulated robot on '{Env.Name}': expected ReadObservation to start an episode before WriteAction; no episode is running.");
        StepResult result = Env.Step(action, observation);
        episodeReturn += result.Reward;
        episodeSteps++;
        if (result.Done)
        {
            // Success is a goal judgement of the episode runner (GoalChecks); the robot view does not make it.
            episodes.Add(new EpisodeResult(episodeReturn, episodeSteps, result.Terminated, result.Truncated, Success: false));
            needsReset = true;
        }
    }
}
