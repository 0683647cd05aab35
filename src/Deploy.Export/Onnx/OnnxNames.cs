// The names the exporter gives to what it writes beside the contract's (OnnxContract): initializers, nodes, and two
// metadata keys of its own. The importer finds a policy's parts by these names, so they are written once, here.
//
// initializers (float32 unless noted; [1, n] rows broadcast over the batch)
//   normalizer.mean [1, n], normalizer.std [1, n], normalizer.clip_min, normalizer.clip_max (scalars)
//   onehot.cells [1, n] = 0 .. n-1              periodic.keep [1, n] = 0 at the angle indices, 1 elsewhere
//   layer{i}.weight [out, in], layer{i}.bias [out]     dueling.{value,advantage}.{weight,bias}
//   head.mean_start, head.mean_end, head.log_std_start, head.log_std_end, head.axes (int64 [1], Slice bounds)
//   head.log_std [1, A] (a stored log-std), head.log_std_min, head.log_std_max (scalars, a state-dependent one's clamp)
//   head.scale [1, A], head.bias [1, A] (tanh squash)
//   bounds.low, bounds.high: scalars when every dimension shares the bound, else [1, A]; absent on an infinite side
// nodes: each named as its output value, "<stage>.<step>" (normalizer.sub, layer0.gemm, layer0.activation, ...),
// except the nodes whose output is a contract output, which keep their stage name and output the contract name.
using Control.Deploy.Onnx;

namespace Control.Deploy.Export.Onnx;

/// <summary>Initializer, node and extra metadata names of an exported policy graph.</summary>
internal static class OnnxNames
{
    /// <summary>The normalizer's epsilon (<see cref="OnnxContract.Keys.NormalizerEpsilon"/>).</summary>
    public const string NormalizerEpsilonKey = OnnxContract.Keys.NormalizerEpsilon;

    /// <summary>The content checksum, always the last metadata entry (<see cref="OnnxContract.Keys.ContentSha256"/>).</summary>
    public const string ContentSha256Key = OnnxContract.Keys.ContentSha256;

    public const string GraphName = "control_policy";
    public const string Producer = "Control";

    public const string NormalizerMean = "normalizer.mean";
    public const string NormalizerStd = "normalizer.std";
    public const string NormalizerClipMin = "normalizer.clip_min";
    public const string NormalizerClipMax = "normalizer.clip_max";
    public const string OneHotCells = "onehot.cells";
    public const string PeriodicKeep = "periodic.keep";
    public const string DuelingValue = "dueling.value";
    public const string DuelingAdvantage = "dueling.advantage";
    public const string HeadLogStd = "head.log_std";
    public const string HeadLogStdMin = "head.log_std_min";
    public const string HeadLogStdMax = "head.log_std_max";
    public const string HeadScale = "head.scale";
    public const string HeadBias = "head.bias";
    /// <summary>The levels of a binned head, float32 [actions x levels per action], flat, action by action.</summary>
    public const string HeadLevels = "head.levels";
    public const string BoundsLow = "bounds.low";
    public const string BoundsHigh = "bounds.high";

    /// <summary>The prefix of layer <paramref name="index"/>'s initializers and nodes.</summary>
    public static string Layer(int index) => $"layer{index}";

    /// <summary>The op types an exported graph may contain (domain "", the standard operator set).</summary>
    public static readonly IReadOnlySet<string> Ops = new HashSet<string>(StringComparer.Ordinal)
    {
        "Sub", "Div", "Clip", "Equal", "Cast", "Mul", "Sin", "Cos", "Concat", "Gemm", "Tanh", "Relu", "Sigmoid", "Elu", "Softplus",
        "ReduceMean", "Add", "Slice", "Identity", "ArgMax", "Max", "Min", "Gather",
    };
}
