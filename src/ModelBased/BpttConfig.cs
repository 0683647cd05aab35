namespace Control.ModelBased;

/// <summary>Settings of <see cref="BpttPolicy"/>.</summary>
public sealed record BpttConfig
{
    /// <summary>Steps of every training rollout through the model. Default 40.</summary>
    public int Horizon { get; init; } = 40;

    /// <summary>Gradient steps per call of <see cref="BpttPolicy.Train"/>. Default 200.</summary>
    public int GradientSteps { get; init; } = 200;

    /// <summary>Start states per gradient step, drawn from the visited states. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's step size. Default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Hidden layer widths (tanh). Default [64, 64].</summary>
    public int[] Hidden { get; init; } = [64, 64];

    /// <summary>Global gradient-norm clip (backpropagation through many model steps can explode). Default 10.</summary>
    public double MaxGradientNorm { get; init; } = 10;

    /// <summary>Seed of the weights and of the start-state draws. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>State entries that are angles: the policy sees only their sine and cosine (a raw angle grows without bound as a pendulum spins). Default none.</summary>
    public int[] PeriodicStates { get; init; } = [];

    /// <summary>Fraction of every batch's start states drawn from the initial states given to <see cref="BpttPolicy.Train"/> (the rest from the visited states); 0 when none are given. Default 0.5.</summary>
    public double InitialStateFraction { get; init; } = 0.5;

    /// <summary>Gradient steps between two scorings of the weights by their imagined cost; training ends on the best weights scored. 0 turns the selection off. Default 25.</summary>
    public int SelectionInterval { get; init; } = 25;

    /// <summary>Steps of the imagined rollouts that score the weights (longer than <see cref="Horizon"/>, so that a swing-up must also hold). Default 100.</summary>
    public int SelectionHorizon { get; init; } = 100;

    /// <summary>Start states of the scoring rollouts: the first this many initial states (or visited states when none are given). Default 64.</summary>
    public int SelectionStates { get; init; } = 64;

    /// <summary>Policies <see cref="BpttCandidates"/> trains side by side (from seeds derived from <see cref="Seed"/>); the one of lowest imagined cost acts. Default 3.</summary>
    public int Candidates { get; init; } = 3;

    /// <summary>Every this many rounds <see cref="BpttCandidates"/> replaces its worst candidate by a fresh policy; 0 never. Default 6.</summary>
    public int RestartEvery { get; init; } = 6;
}
