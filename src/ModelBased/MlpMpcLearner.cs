// The learners the model-based loop runs: which model is fitted and which controller acts on it.
//   mpc-ilqr / mpc-cem: one MLP, MPC with iLQR or CEM on it;
//   pets:               a probabilistic ensemble, MPC with trajectory-sampling CEM;
//   bptt:               one MLP, a neural policy trained by backpropagation through it.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Planning;

namespace Control.ModelBased;

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
