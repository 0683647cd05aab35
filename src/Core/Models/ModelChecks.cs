namespace Control.Core.Models;

/// <summary>Shape checks shared by implementations of <see cref="IDynamics"/> and <see cref="ICost"/>.</summary>
public static class ModelChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the model when a span has the wrong length.</summary>
    public static void Length(string model, string what, int expected, int actual)
    {
        if (expected != actual)
            throw new ArgumentException($"{model}: expected {what} of length {expected}, got length {actual}.");
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the state spaces of <paramref name="dynamics"/> and
    /// <paramref name="cost"/> have the models' state size and agree on the tangent size.
    /// </summary>
    public static void StateSpaces(string user, IDynamics dynamics, ICost cost)
    {
        IStateSpace modelSpace = dynamics.StateSpace, costSpace = cost.StateSpace;
        if (modelSpace.Size != dynamics.StateSize)
            throw new ArgumentException($"{user}: {dynamics.GetType().Name} has n={dynamics.StateSize} but its state space has {modelSpace.Size} coordinates.");
        if (costSpace.Size != cost.StateSize)
            throw new ArgumentException($"{user}: {cost.GetType().Name} has n={cost.StateSize} but its state space has {costSpace.Size} coordinates.");
        if (modelSpace.Size != costSpace.Size || modelSpace.TangentSize != costSpace.TangentSize)
        {
            throw new ArgumentException(
                $"{user}: the dynamics' state space ({modelSpace.GetType().Name}: n={modelSpace.Size}, tangent {modelSpace.TangentSize}) and the cost's ({costSpace.GetType().Name}: n={costSpace.Size}, tangent {costSpace.TangentSize}) disagree; expected the same manifold.");
        }
    }

    /// <summary>True for <see cref="EuclideanStateSpace"/>: Integrate adds, Difference subtracts, the tangent is R^n.</summary>
    public static bool IsEuclidean(IStateSpace space) => space is EuclideanStateSpace;

    /// <summary>
    /// Throws <see cref="UnsupportedStateSpaceException"/> unless <paramref name="space"/> (of <paramref name="model"/>) is
    /// Euclidean; <paramref name="needed"/> says what <paramref name="user"/> would need to handle it.
    /// </summary>
    public static void Euclidean(string user, object model, IStateSpace space, string needed)
    {
        if (!IsEuclidean(space))
        {
            throw new UnsupportedStateSpaceException(
                $"{user}: {model.GetType().Name} has states on {space.GetType().Name} (n={space.Size}, tangent {space.TangentSize}); expected Euclidean states ({nameof(EuclideanStateSpace)}). {needed}");
        }
    }
}
