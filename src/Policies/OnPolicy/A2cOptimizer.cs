namespace Control.Policies.OnPolicy;

/// <summary>The optimizer of <see cref="A2c"/>.</summary>
public enum A2cOptimizer
{
    /// <summary>RMSprop (alpha <see cref="A2cConfig.RmsPropAlpha"/>, epsilon <see cref="A2cConfig.OptimizerEpsilon"/>), the paper's and SB3's choice.</summary>
    RmsProp,

    /// <summary>Adam (epsilon <see cref="A2cConfig.OptimizerEpsilon"/>).</summary>
    Adam,
}
