namespace Control.Policies.OffPolicy;

/// <summary>
/// An action of the wrong length was handed to replay (a buffer, a batch or the n-step assembler): every stored
/// action has the buffer's action size (a Discrete action is one value).
/// </summary>
public sealed class ActionSizeException : ArgumentException
{
    /// <summary>What <paramref name="where"/> expected (<paramref name="expected"/> values) and what came (<paramref name="actual"/>).</summary>
    public ActionSizeException(string where, int expected, int actual)
        : base($"{where}: expected an action of {expected} value{(expected == 1 ? "" : "s")} (the action size it was made for), got {actual}.")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The action size the receiver was made for.</summary>
    public int Expected { get; }

    /// <summary>The length of the action that came.</summary>
    public int Actual { get; }
}
