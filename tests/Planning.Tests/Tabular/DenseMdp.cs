using Control.Core.Models;

namespace Control.Planning.Tests.Tabular;

/// <summary>A dense MDP given by its arrays, for tests.</summary>
internal sealed class DenseMdp(int states, int actions, double[] transitions, double[] rewards, bool[] terminal) : ITabularMdp
{
    public int StateCount => states;
    public int ActionCount => actions;
    public ReadOnlySpan<double> Transitions => transitions;
    public ReadOnlySpan<double> Rewards => rewards;
    public ReadOnlySpan<bool> Terminal => terminal;
    public ReadOnlySpan<double> InitialDistribution => Enumerable.Repeat(1.0 / states, states).ToArray();
}
