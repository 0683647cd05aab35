// A fixed-size batch of one OnnxPolicy: the observation rows and every output live in arrays this object owns, wrapped
// once as ONNX Runtime tensors over that memory and bound to the session once (an IO binding), so Run writes the
// outputs in place and allocates nothing. The binding is what makes it free: InferenceSession.Run with OrtValue
// lists converts the names to UTF-8 and the values to a handle array on every call (about 350 bytes a run here).
// Rows are float32 as the graph takes them; nothing is checked on this path (OnnxPolicy.Act is the checked one).
using Control.Core.Envs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Control.Deploy.Onnx;

/// <summary>
/// Preallocated inputs and outputs for runs of <see cref="Size"/> observations through an <see cref="OnnxPolicy"/>
/// (parity checks, benchmarks). Not thread-safe; separate batches of one policy may run on separate threads (creating and disposing batches is
/// safe from any thread; disposing the policy must not race with a running batch).
/// </summary>
public sealed class OnnxBatch : IDisposable
{
    private readonly OnnxPolicy policy;
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly float[] observations;
    private readonly OrtValue input;
    private readonly string[] outputNames;
    private readonly OrtValue[] outputValues;
    private readonly OrtIoBinding binding;
    private readonly Dictionary<string, float[]> floatOutputs = [];
    private readonly long[]? actionIndices;
    private bool disposed;

    internal OnnxBatch(OnnxPolicy policy, InferenceSession session, OnnxSignature signature, int size, IReadOnlyList<OnnxOutput> outputs)
    {
        this.policy = policy;
        this.session = session;
        Size = size;
        ObservationSize = signature.ObservationSpace.FlatSize;
        observations = new float[size * ObservationSize];
        input = OrtValue.CreateTensorValueFromMemory(observations, [size, ObservationSize]);
        outputNames = [.. outputs.Select(o => o.Name)];
        outputValues = new OrtValue[outputs.Count];
        for (int i = 0; i < outputs.Count; i++)
        {
            OnnxOutput output = outputs[i];
            if (output.ElementType == TensorElementType.Int64)
            {
                actionIndices = new long[output.Length(size)];
                outputValues[i] = OrtValue.CreateTensorValueFromMemory(actionIndices, output.Shape(size));
            }
            else
            {
                float[] values = new float[output.Length(size)];
                floatOutputs.Add(output.Name, values);
                outputValues[i] = OrtValue.CreateTensorValueFromMemory(values, output.Shape(size));
            }
        }
        ActionSpace = signature.ActionSpace;
        binding = session.CreateIoBinding();
        binding.BindInput(OnnxContract.Observation, input);
        for (int i = 0; i < outputs.Count; i++) binding.BindOutput(outputNames[i], outputValues[i]);
    }

    /// <summary>Observations per run.</summary>
    public int Size { get; }

    /// <summary>Values per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>The policy's action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>The outputs each run computes, in the file's order.</summary>
    public IReadOnlyList<string> OutputNames => outputNames;

    /// <summary>The observations of the next run: <see cref="Size"/> rows of <see cref="ObservationSize"/>, row-major.</summary>
    public Span<float> Observations => observations;

    /// <summary>
    /// The int64 action indices of the last run, one per row (a Discrete action space only).
    /// </summary>
    /// <exception cref="InvalidOperationException">The action space is a Box: read <c>Output("action")</c>.</exception>
    public ReadOnlySpan<long> ActionIndices => actionIndices
        ?? throw new InvalidOperationException($"OnnxBatch: action indices exist for a Discrete action space, this policy's is {ActionSpace.Describe()}; read Output(\"{OnnxContract.Action}\").");

    /// <summary>
    /// The float32 output <paramref name="name"/> of the last run, row-major ([Size, width], or [1, width] for a
    /// log_std the file declares with one row).
    /// </summary>
    /// <exception cref="ArgumentException">No float output of that name in this batch.</exception>
    public ReadOnlySpan<float> Output(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (floatOutputs.TryGetValue(name, out float[]? values)) return values;
        throw new ArgumentException(
            $"OnnxBatch: expected one of the float outputs {string.Join(", ", floatOutputs.Keys.Select(k => $"\"{k}\""))}, got \"{name}\""
            + (name == OnnxContract.Action ? " (a Discrete action is read from ActionIndices)." : "."), nameof(name));
    }

    /// <summary>Runs the graph on <see cref="Observations"/>, writing every output in place. Allocates nothing.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        session.RunWithBinding(runOptions, binding);
        Runs++;
    }

    /// <summary>Runs so far (the tests' evidence that a refused observation never reached the graph).</summary>
    internal long Runs { get; private set; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        policy.Forget(this);
        binding.Dispose();
        input.Dispose();
        foreach (OrtValue value in outputValues) value.Dispose();
        runOptions.Dispose();
    }
}
