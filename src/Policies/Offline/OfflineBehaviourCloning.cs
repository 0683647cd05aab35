// Behaviour cloning from a logged dataset (`control train --dataset F --algo bc`): the policy that collected the data,
// recovered by supervised learning on its (observation, action) pairs, the observation columns read as the env's
// observations and the action columns as its actions (the dataset's header, checked by OfflineDataset). The whole fit
// (BehaviourCloning.Fit: minibatch epochs, a holdout part, early stopping at the best epoch) is one iteration, so a run
// has exactly one; the env is used only to evaluate. The result is an InferencePolicy under the policy/* sections, which
// `control eval` acts with and `control export` turns into ONNX.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.Imitation;

namespace Control.Policies.Offline;

/// <summary>Behaviour cloning on a logged dataset, as an <see cref="IAlgorithm"/> of one iteration.</summary>
public sealed class OfflineBehaviourCloning : IAlgorithm
{
    private readonly OfflineDataset? data;
    private readonly Func<IPolicy, double>? evaluate;
    private readonly long seed;
    private InferencePolicy? policy;

    /// <summary>
    /// Cloning of the behaviour in <paramref name="data"/>; the fit's weights, holdout split and minibatch order follow
    /// from <paramref name="seed"/>. <paramref name="evaluate"/>, when given, returns the mean return of a policy on the
    /// env (the metric eval/return; NaN without it).
    /// </summary>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public OfflineBehaviourCloning(OfflineDataset data, BehaviourCloningConfig config, long seed, Func<IPolicy, double>? evaluate = null)
        : this((data ?? throw new ArgumentNullException(nameof(data))).Env, data.ObservationSpace, data.ActionSpace, config, seed)
    {
        this.data = data;
        this.evaluate = evaluate;
    }

    /// <summary>Cloning without data, on an env's spaces: it acts, saves and loads a checkpoint's policy but cannot <see cref="Iterate"/>.</summary>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public OfflineBehaviourCloning(string env, Space observationSpace, Space actionSpace, BehaviourCloningConfig config, long seed)
    {
        Env = env ?? throw new ArgumentNullException(nameof(env));
        ObservationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        this.seed = seed;
    }

    /// <summary>The env's name.</summary>
    public string Env { get; }

    /// <summary>The env's observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The env's action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>The settings of the fit.</summary>
    public BehaviourCloningConfig Config { get; }

    /// <summary>The fit's result (policy, holdout loss, learning curves), or null before <see cref="Iterate"/> and after <see cref="Load"/>.</summary>
    public BehaviourCloningResult? Fit { get; private set; }

    /// <inheritdoc />
    public string Name => BehaviourCloning.Name;

    /// <summary>None: the env is used only to evaluate.</summary>
    public long EnvSteps => 0;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <inheritdoc />
    /// <remarks>The whole fit, once.</remarks>
    /// <exception cref="InvalidOperationException">Made without a dataset, or already fitted.</exception>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        if (data is null)
            throw new InvalidOperationException($"{Name}: made without a dataset, it can act and be saved but not fit; load the dataset (--dataset) to train.");
        if (Iterations > 0)
            throw new InvalidOperationException($"{Name}: behaviour cloning is one fit (early stopping picks its epoch) and it is done; expected 1 iteration, got a request for iteration {Iterations + 1}.");
        BehaviourCloningResult fit = BehaviourCloning.Fit(data.Transitions, ObservationSpace, ActionSpace, Config, seed);
        Fit = fit;
        policy = fit.Policy;
        Iterations = 1;
        return new Dictionary<string, double>
        {
            ["train/loss"] = fit.TrainLoss[^1],
            ["train/holdout_loss"] = fit.HoldoutLoss,
            ["train/best_epoch"] = fit.BestEpoch,
            ["train/epochs"] = fit.Epochs,
            ["eval/return"] = evaluate is null ? double.NaN : evaluate(Policy(deterministic: true)),
        };
    }

    /// <inheritdoc />
    /// <exception cref="NoInferencePolicyException">Not fitted yet.</exception>
    public InferencePolicy InferencePolicy() => policy ?? throw new NoInferencePolicyException(Name, "the policy is not fitted yet: run an iteration (the fit) or load a checkpoint first");

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    /// <remarks>The policy under the policy/* sections, the iteration count, and with data the dataset's description.</remarks>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        InferencePolicy().Save(checkpoint);
        checkpoint.Put(CheckpointSections.Counters, w => w.Write(Iterations));
        if (data is not null) checkpoint.PutJson(OfflineDataset.Section, data.Describe());
    }

    /// <inheritdoc />
    /// <exception cref="CheckpointException">The checkpoint holds no policy, one for other spaces, or was trained on other rows than this one's dataset.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        data?.CheckTrainedOn(checkpoint);
        InferencePolicy stored = Common.InferencePolicy.Load(checkpoint);
        if (stored.ObservationSize != ObservationSpace.FlatSize || !stored.ActionSpace.Equals(ActionSpace))
        {
            throw new CheckpointException(
                $"{checkpoint.Source ?? "checkpoint"}: expected a policy from {ObservationSpace.FlatSize} observation values to {ActionSpace.Describe()}, got one from {stored.ObservationSize} to {stored.ActionSpace.Describe()}.");
        }
        int iterations = checkpoint.Get(CheckpointSections.Counters, r => r.ReadInt32());
        policy = stored;
        Iterations = iterations;
        Fit = null;
    }
}
