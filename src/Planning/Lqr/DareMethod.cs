namespace Control.Planning.Lqr;

/// <summary>How the DARE was solved.</summary>
public enum DareMethod
{
    /// <summary>Structure-preserving doubling.</summary>
    Doubling,

    /// <summary>Riccati iteration (the fallback when doubling broke down).</summary>
    RiccatiIteration,
}
