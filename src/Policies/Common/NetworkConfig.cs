// Policy networks: an MLP from observations to the parameters of an action distribution. Categorical for
// Discrete action spaces (logits), diagonal Gaussian for Box spaces (mean, and a log-std that is either one
// learned vector or a second output head). Every on-policy algorithm (REINFORCE, A2C, TRPO, PPO) trains these.
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>The hidden layers of a network and how they are initialized.</summary>
public sealed record NetworkConfig
{
    /// <summary>Hidden layer widths (default 64-64, the size of the RL Zoo's and CleanRL's PPO networks).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Hidden activation (default tanh).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>
    /// Orthogonal initialization (default true), as in the PPO implementations (Engstrom et al. 2020, "Implementation
    /// Matters"): hidden layers with gain sqrt(2), the policy head with gain 0.01, value heads with gain 1, biases zero.
    /// False keeps PyTorch's default uniform initialization.
    /// </summary>
    public bool Orthogonal { get; init; } = true;

    internal void Validate(string owner)
    {
        if (Hidden is null || Hidden.Any(h => h <= 0))
            throw new ArgumentException($"{owner}: expected positive hidden layer widths, got [{string.Join(", ", Hidden ?? [])}].");
    }
}
