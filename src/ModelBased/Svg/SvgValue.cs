using Control.Core;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.ModelBased.Svg;

/// <summary>The state-value function V(s) of SVG(1): an MLP over the periodic state features, float64, one output.</summary>
public sealed class SvgValue : Module
{
    private readonly StateFeatures features;
    private readonly Sequential net;

    /// <summary>V over states of <paramref name="stateSize"/> values whose entries <paramref name="angles"/> are angles (with <paramref name="anglesOnly"/>, the sine and cosine of the angles alone are features).</summary>
    public SvgValue(int stateSize, IReadOnlyList<int> angles, int[] hidden, Activation activation, Rng rng, bool anglesOnly = false)
    {
        features = new StateFeatures(stateSize, angles, anglesOnly);
        net = RegisterModule("net", Mlp.Create(features.Size, hidden, 1, rng, activation, dtype: DType.Float64));
        features.Prune(net);
    }

    /// <summary>V(s), (B, 1), of float64 states (B, n), on the tape.</summary>
    public override Tensor Forward(Tensor states) => net.Forward(features.Of(states));
}
