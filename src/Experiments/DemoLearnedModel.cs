namespace Control.Experiments;

/// <summary>Demo stage 5: the learned-dynamics loop (an MLP, iLQR-MPC through it) on the pendulum.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Method">Loop name.</param>
/// <param name="EnvSteps">Real env steps used.</param>
/// <param name="HoldoutLoss">The last fit's holdout loss.</param>
/// <param name="MultiStepError">The last iteration's open-loop prediction error.</param>
/// <param name="ReturnLearned">Mean evaluation return of the learned-model controller.</param>
/// <param name="ReturnTrueModel">Mean evaluation return of the same controller on the true model.</param>
/// <param name="ReturnRandom">Mean evaluation return of a random policy.</param>
/// <param name="Score">(learned - random) / (true - random).</param>
public sealed record DemoLearnedModel(string Env, string Method, int EnvSteps, double HoldoutLoss, double MultiStepError,
    double ReturnLearned, double ReturnTrueModel, double ReturnRandom, double Score);
