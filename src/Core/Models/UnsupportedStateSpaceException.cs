namespace Control.Core.Models;

/// <summary>
/// A component that handles only Euclidean states was given a model whose state lives on another manifold
/// (<see cref="IStateSpace"/>, e.g. quaternions): the message names the component, the model and what it would need.
/// </summary>
public sealed class UnsupportedStateSpaceException(string message) : NotSupportedException(message);
