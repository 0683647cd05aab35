namespace Control.Experiments;

/// <summary>Demo stage 2: an env model's exact Jacobians against central finite differences along a random trajectory.</summary>
/// <param name="Env">Env name.</param>
/// <param name="N">State size.</param>
/// <param name="M">Control size.</param>
/// <param name="Points">Points compared.</param>
/// <param name="MaxErrorA">Largest relative error of the state Jacobian.</param>
/// <param name="MaxErrorB">Largest relative error of the control Jacobian.</param>
public sealed record DemoJacobian(string Env, int N, int M, int Points, double MaxErrorA, double MaxErrorB);
