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
}
