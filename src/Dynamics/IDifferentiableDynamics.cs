// Models and costs on the autodiff tape, for methods that backpropagate through a rollout (gradient shooting,
// SVG). IDifferentiableDynamics is the contract of models that are natively tensor graphs (learned models);
// DifferentiableDynamics and DifferentiableCost bridge ANY IDynamics and ICost onto the tape as custom ops whose
// forward runs the model row by row and whose backward is the vector-Jacobian product of its derivatives:
//   x' = f(x, u):   gx = Fx' g,  gu = Fu' g        (IDynamics.Linearize)
//   c = l(x, u):    gx = g Lx,   gu = g Lu         (ICost.StageDerivatives; lf and Lx for the terminal cost)
// Everything is float64 and batched: row b of x (B x n) and u (B x m) is one (state, control) pair.
using Control.Core.Models;
using Control.Tensors;

namespace Control.Dynamics;

/// <summary>
/// Dynamics x' = f(x, u) that runs on the autodiff tape: gradients flow from the next states back to the states
/// and controls through <see cref="Tensor.Backward"/>. Learned models implement it directly; any
/// <see cref="IDynamics"/> gets it through <see cref="DifferentiableDynamics"/>.
/// </summary>
public interface IDifferentiableDynamics
{
    /// <summary>State dimension n.</summary>
    int StateSize { get; }

    /// <summary>Control dimension m.</summary>
    int ControlSize { get; }

    /// <summary>Next states (B, n) of the float64 states <paramref name="x"/> (B, n) under the controls <paramref name="u"/> (B, m), recorded for backward.</summary>
    Tensor Step(Tensor x, Tensor u);
}
