// The learners the model-based loop runs: which model is fitted and which controller acts on it.
//   mpc-ilqr / mpc-cem: one MLP, MPC with iLQR or CEM on it;
//   pets:               a probabilistic ensemble, MPC with trajectory-sampling CEM;
//   bptt:               one MLP, a neural policy trained by backpropagation through it.
using Control.Dynamics;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;

namespace Control.Planning.ModelBased;

/// <summary>MPC with any planner on a single learned MLP (mpc-ilqr, mpc-cem).</summary>
public sealed class MlpMpcLearner(MlpDynamics model, Func<IDynamics, IPlanner> planner) : IModelLearner
{
    /// <inheritdoc />
    public IDynamics Model => model;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data) => Report(model.Fit(data.States, data.Controls, data.NextStates, data.Count));

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data) => new MpcController(planner(model));

    internal static ModelFit Report(FitReport report) => new(report.HoldoutLoss.Length > 0 ? report.HoldoutLoss.Min() : double.NaN, report.TransitionsPerSecond);
}

/// <summary>PETS: a probabilistic ensemble and CEM with trajectory sampling, under MPC.</summary>
public sealed class PetsLearner(ProbabilisticEnsemble ensemble, ICost cost, PetsCemConfig? config = null) : IModelLearner
{
    /// <inheritdoc />
    public IDynamics Model => ensemble;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data) => MlpMpcLearner.Report(ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count));

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data) => new MpcController(new PetsCem(ensemble, cost, config));
}

/// <summary>
/// BPTT: a policy trained through the learned model (an MLP, or an ensemble's elite mean, which the policy exploits
/// less) from the visited states; the policy keeps learning across iterations.
/// </summary>
public sealed class BpttLearner(LearnedDynamics model, ICost cost, BpttConfig? config = null) : IModelLearner
{
    private readonly BpttPolicy policy = new(model.StateSize, model.ControlBounds, config);
    private readonly DifferentiableCost differentiableCost = new(cost);

    /// <inheritdoc />
    public IDynamics Model => model;

    /// <summary>The policy being trained.</summary>
    public BpttPolicy Policy => policy;

    /// <inheritdoc />
    public ModelFit Fit(TransitionDataset data) => MlpMpcLearner.Report(model switch
    {
        MlpDynamics mlp => mlp.Fit(data.States, data.Controls, data.NextStates, data.Count),
        ProbabilisticEnsemble ensemble => ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count),
        _ => throw new ArgumentException($"BPTT: expected an MlpDynamics or a ProbabilisticEnsemble, got {model.GetType().Name}."),
    });

    /// <inheritdoc />
    public IPolicy Controller(TransitionDataset data)
    {
        policy.Train(model, differentiableCost, data.States, data.Count);
        return policy;
    }
}
