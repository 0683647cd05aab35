using Control.Core;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Exploration around a deterministic actor with temporally correlated noise (Lillicrap et al. 2016 used an
/// Ornstein-Uhlenbeck process for physical control with inertia): per copy and action dimension,
/// x &lt;- x + theta (0 - x) dt + sigma sqrt(dt) N(0, 1), y = mu(s) + x, with x restarted at 0 when the copy's episode
/// ends. The process reverts to its mean 0 at rate theta; its stationary standard deviation is sigma / sqrt(2 theta).
/// </summary>
public sealed class OrnsteinUhlenbeckBehaviour : ContinuousBehaviour
{
    private readonly DeterministicActor actor;
    private readonly double[] state;

    /// <summary>The process with <paramref name="sigma"/>, <paramref name="theta"/> and time step <paramref name="dt"/> around <paramref name="actor"/>.</summary>
    public OrnsteinUhlenbeckBehaviour(DeterministicActor actor, double sigma, double theta, double dt, ActionScaling scaling, int copies, long learningStarts, Rng rng)
        : base(scaling, (actor ?? throw new ArgumentNullException(nameof(actor))).ObservationSize, copies, learningStarts, rng)
    {
        if (!(sigma >= 0 && double.IsFinite(sigma)) || !(theta >= 0 && double.IsFinite(theta)) || !(dt > 0 && double.IsFinite(dt)))
            throw new ArgumentException($"OrnsteinUhlenbeckBehaviour: expected finite sigma >= 0, theta >= 0 and dt > 0, got {sigma}, {theta} and {dt}.");
        this.actor = actor;
        Sigma = sigma;
        Theta = theta;
        Dt = dt;
        state = new double[copies * scaling.Size];
    }

    /// <summary>Scale of the driving noise.</summary>
    public double Sigma { get; }

    /// <summary>Rate of reversion to 0.</summary>
    public double Theta { get; }

    /// <summary>Time step of the discretization.</summary>
    public double Dt { get; }

    /// <summary>The current noise x (copies x A).</summary>
    public ReadOnlySpan<double> State => state;

    /// <summary>Advances every copy's process by one step and returns it (copies x A), as <see cref="Propose"/> does before adding it.</summary>
    public ReadOnlySpan<double> Advance()
    {
        double diffusion = Sigma * Math.Sqrt(Dt);
        for (int i = 0; i < state.Length; i++) state[i] += -Theta * state[i] * Dt + diffusion * Rng.Normal();
        return state;
    }

    /// <inheritdoc />
    protected override void Propose(ReadOnlySpan<float> inputs, Span<double> normalizedActions)
    {
        ForwardActor(actor, inputs, normalizedActions);
        Advance();
        for (int i = 0; i < normalizedActions.Length; i++) normalizedActions[i] += state[i];
    }

    /// <inheritdoc />
    public override void EpisodeEnded(int copy)
    {
        if ((uint)copy >= (uint)Copies) throw new ArgumentOutOfRangeException(nameof(copy), copy, $"expected a copy in [0, {Copies})");
        state.AsSpan(copy * Scaling.Size, Scaling.Size).Clear();
    }

    /// <inheritdoc />
    public override void Write(BinaryWriter writer)
    {
        writer.Write(state.Length);
        foreach (double x in state) writer.Write(x);
    }

    /// <inheritdoc />
    public override void Read(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length != state.Length) throw new InvalidDataException($"expected Ornstein-Uhlenbeck noise of {state.Length} values, got {length}");
        for (int i = 0; i < length; i++) state[i] = reader.ReadDouble();
    }
}
