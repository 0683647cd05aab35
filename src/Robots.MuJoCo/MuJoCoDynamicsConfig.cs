namespace Control.Robots.MuJoCo;

/// <summary>Settings of <see cref="MuJoCoDynamics"/>.</summary>
public sealed record MuJoCoDynamicsConfig
{
    /// <summary>mj_steps per transition with the control held (a frame skip; 1 = the model's own time step).</summary>
    public int Substeps { get; init; } = 1;

    /// <summary>Perturbation of mjd_transitionFD (MuJoCo's own default is 1e-6).</summary>
    public double FiniteDifferenceEpsilon { get; init; } = 1e-6;

    /// <summary>Centred differences in mjd_transitionFD (twice the cost, second-order accurate); forward differences when false.</summary>
    public bool Centered { get; init; }
}
