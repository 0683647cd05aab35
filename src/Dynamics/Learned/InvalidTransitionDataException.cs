// Transitions (x, u, x') given to learned models as flat row-major arrays: their checks (shapes, finiteness), the
// split into a training and a holdout part, the per-dimension standardization of the network's inputs (x, u)
// and targets (x' - x), and the copying of minibatches into preallocated tensors.
namespace Control.Dynamics.Learned;

/// <summary>Transition data that a learned model cannot use: wrong lengths, NaN or infinity, too few rows.</summary>
public sealed class InvalidTransitionDataException(string message) : ArgumentException(message);
