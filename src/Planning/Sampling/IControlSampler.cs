using Control.Core;

namespace Control.Planning.Sampling;

/// <summary>Draws the controls of one sample. Called concurrently from several threads, once per sample per evaluation.</summary>
public interface IControlSampler
{
    /// <summary>
    /// Writes the H x m controls of sample <paramref name="sample"/>, drawing random numbers only from
    /// <paramref name="random"/> (the sample's own stream), and returns an extra cost the planner adds to the
    /// rollout's cost (0 for none).
    /// </summary>
    double Sample(int sample, Rng random, Span<double> controls);
}
