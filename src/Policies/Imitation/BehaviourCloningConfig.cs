using Control.Policies.Common;

namespace Control.Policies.Imitation;

/// <summary>Settings of <see cref="BehaviourCloning"/>: the network, the head and the supervised fit.</summary>
public sealed record BehaviourCloningConfig
{
    /// <summary>
    /// Hidden layers (default 64-64 tanh, orthogonal initialization with the policy head's gain 0.01, so the first actions
    /// are the data's mean action). No hidden layers fits an affine policy.
    /// </summary>
    public NetworkConfig Network { get; init; } = new();

    /// <summary>The head on a Box action space (default <see cref="ImitationHead.Deterministic"/>); ignored on a Discrete space.</summary>
    public ImitationHead Head { get; init; } = ImitationHead.Deterministic;

    /// <summary>
    /// Standardize observations by the data's mean and variance (default true); the statistics become the policy's
    /// <see cref="ObservationNormalizer"/>, so they are exported with it. Ignored on a Discrete observation space (one-hot).
    /// </summary>
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>Adam step size (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Rows per minibatch (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Largest number of passes over the training rows (default 200).</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Fraction of the rows held out for the holdout loss and early stopping (default 0.1; 0 trains every epoch on all rows).</summary>
    public double HoldoutFraction { get; init; } = 0.1;

    /// <summary>Epochs without a holdout improvement of at least 0.1% before the fit stops and keeps its best epoch (default 20).</summary>
    public int Patience { get; init; } = 20;

    /// <summary>Starting log-std of the <see cref="ImitationHead.Gaussian"/> head, in standardized action units (default 0).</summary>
    public double InitialLogStd { get; init; }

    /// <summary>
    /// The levels of the <see cref="ImitationHead.Binned"/> head, as positions in each action's range (-1 its low bound, 1
    /// its high bound), increasing. Default 13, finer near the middle, where balancing torques are small: -1, -0.75, -0.5,
    /// -0.25, -0.125, -0.0625, 0 and their mirror images (on the acrobot's +-4 N m: 4, 3, 2, 1, 0.5, 0.25, 0).
    /// </summary>
    public IReadOnlyList<double> Levels { get; init; } = [-1, -0.75, -0.5, -0.25, -0.125, -0.0625, 0, 0.0625, 0.125, 0.25, 0.5, 0.75, 1];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(BehaviourCloningConfig);
        ArgumentNullException.ThrowIfNull(Network);
        Network.Validate(owner);
        if (!Enum.IsDefined(Head)) throw new ArgumentException($"{owner}.{nameof(Head)}: expected Deterministic, Gaussian or Binned, got {(int)Head}.");
        ArgumentNullException.ThrowIfNull(Levels);
        if (Levels.Count < 2) throw new ArgumentException($"{owner}.{nameof(Levels)}: expected at least 2 levels, got {Levels.Count}.");
        for (int i = 0; i < Levels.Count; i++)
        {
            if (!(Levels[i] >= -1 && Levels[i] <= 1) || (i > 0 && Levels[i] <= Levels[i - 1]))
                throw new ArgumentException($"{owner}.{nameof(Levels)}: expected increasing positions in [-1, 1], got [{string.Join(", ", Levels)}].");
        }
        ConfigChecks.Positive(owner, nameof(LearningRate), LearningRate);
        ConfigChecks.Positive(owner, nameof(BatchSize), BatchSize);
        ConfigChecks.Positive(owner, nameof(Epochs), Epochs);
        ConfigChecks.Positive(owner, nameof(Patience), Patience);
        if (!(HoldoutFraction >= 0 && HoldoutFraction < 1))
            throw new ArgumentException($"{owner}.{nameof(HoldoutFraction)}: expected a value in [0, 1), got {HoldoutFraction}.");
        if (!double.IsFinite(InitialLogStd)) throw new ArgumentException($"{owner}.{nameof(InitialLogStd)}: expected a finite value, got {InitialLogStd}.");
    }
}
