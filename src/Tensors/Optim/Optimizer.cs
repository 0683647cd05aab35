// Optimizers update parameters in place from their gradients; the update loops are fused and vectorized,
// one pass over each parameter per step, and allocate nothing after the first step.
namespace Control.Tensors.Optim;

/// <summary>Base of optimizers: the parameters, the learning rate, and gradient clearing.</summary>
public abstract class Optimizer
{
    /// <summary>Optimizes <paramref name="parameters"/> with learning rate <paramref name="learningRate"/>.</summary>
    protected Optimizer(IReadOnlyList<Tensor> parameters, double learningRate)
    {
        if (parameters.Count == 0) throw new ArgumentException("optimizer: expected at least one parameter.");
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "expected a non-negative learning rate");
        foreach (Tensor p in parameters)
        {
            if (!p.IsLeaf || !p.RequiresGrad)
                throw new ArgumentException($"optimizer: {p.Describe()} is not a leaf that requires grad.");
        }
        Parameters = parameters;
        LearningRate = learningRate;
    }

    /// <summary>The optimized tensors.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Step size (schedules change it between steps).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>Applies one update from the current gradients (parameters without a gradient are skipped).</summary>
    public void Step()
    {
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            Tensor p = Parameters[i];
            if (p.Grad is null) continue;
            Update(i, p, p.Grad);
        }
    }

    /// <summary>Updates parameter number <paramref name="index"/> from its gradient (StepCount is already the new step).</summary>
    protected abstract void Update(int index, Tensor parameter, Tensor gradient);

    /// <summary>Makes every gradient zero (keeping the buffers for the next backward pass).</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in Parameters) p.ZeroGrad();
    }

    /// <summary>Per-parameter state buffers by slot name ("exp_avg", ...), entry i for parameter i; null until first used.</summary>
    protected abstract IReadOnlyList<(string Slot, Tensor?[] Buffers)> StateSlots { get; }

    /// <summary>The optimizer's state tensors named "slot.index" (e.g. "exp_avg.3"), for checkpoints.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> StateTensors()
    {
        var state = new List<(string, Tensor)>();
        foreach ((string slot, Tensor?[] buffers) in StateSlots)
        {
            for (int i = 0; i < buffers.Length; i++)
            {
                if (buffers[i] is Tensor t) state.Add(($"{slot}.{i}", t));
            }
        }
        return state;
    }

    /// <summary>
    /// Restores the step count and the state tensors of <see cref="StateTensors"/> (copied in; shapes and dtypes
    /// must match the parameters). Checks everything before changing anything.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a tensor that does not fit its parameter.</exception>
    public void LoadState(int stepCount, IReadOnlyList<(string Name, Tensor Value)> state)
    {
        if (stepCount < 0) throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "expected a non-negative step count");
        var slots = StateSlots;
        var parsed = new List<(Tensor?[] Buffers, int Index, Tensor Value)>();
        foreach ((string name, Tensor value) in state)
        {
            int dot = name.LastIndexOf('.');
            var match = dot > 0 ? slots.FirstOrDefault(s => s.Slot == name[..dot]) : default;
            if (match.Buffers is null || !int.TryParse(name.AsSpan(dot + 1), out int index) || index < 0 || index >= Parameters.Count)
                throw new ArgumentException($"{GetType().Name}: unknown state tensor '{name}'; expected one of the slots {string.Join(", ", slots.Select(s => s.Slot))} with a parameter index below {Parameters.Count}.");
            Tensor p = Parameters[index];
            if (value.DType != p.DType || !value.Shape.SequenceEqual(p.Shape))
                throw new ArgumentException($"{GetType().Name}: state tensor '{name}' is {value.Describe()}, expected {p.DType.Name()} {Tensor.Format(p.Shape)} like parameter {index}.");
            parsed.Add((match.Buffers, index, value));
        }
        foreach ((_, Tensor?[] buffers) in slots) Array.Clear(buffers);
        foreach ((Tensor?[] buffers, int index, Tensor value) in parsed)
        {
            Tensor buffer = State(Parameters[index]);
            buffer.CopyFrom(value);
            buffers[index] = buffer;
        }
        StepCount = stepCount;
    }

    /// <summary>A zero tensor shaped like a parameter, outside any scope (optimizer state).</summary>
    protected static Tensor State(Tensor like)
    {
        using (TensorScope.Suspend()) return Tensor.Zeros(like.DType, like.ShapeArray());
    }
}
