using Control.Core.Models;

namespace Control.Dynamics.Learned;

/// <summary>Open-loop multi-step error of any <see cref="IDynamics"/>.</summary>
public static class ModelMetrics
{
    /// <summary>
    /// Error of <paramref name="model"/> on one trajectory: <paramref name="states"/> ((T + 1) x n) visited under
    /// <paramref name="controls"/> (T x m), for horizons 1..<paramref name="horizon"/>.
    /// </summary>
    public static MultiStepErrorReport MultiStepError(IDynamics model, ReadOnlySpan<double> states, ReadOnlySpan<double> controls, int horizon)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MultiStepError(model, states, controls, [controls.Length / Math.Max(model.ControlSize, 1)], horizon);
    }

    /// <summary>
    /// Error of <paramref name="model"/> on episodes laid end to end: episode e has <paramref name="episodeLengths"/>[e]
    /// = L transitions, i.e. L + 1 rows of <paramref name="states"/> (n each) and L rows of <paramref name="controls"/>
    /// (m each). Every state with k steps left in its episode starts a k-step rollout, for k = 1..<paramref name="horizon"/>.
    /// </summary>
    public static MultiStepErrorReport MultiStepError(IDynamics model, ReadOnlySpan<double> states, ReadOnlySpan<double> controls,
        ReadOnlySpan<int> episodeLengths, int horizon)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.StateSize, m = model.ControlSize;
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "MultiStepError: expected a horizon >= 1.");
        long transitions = 0;
        foreach (int length in episodeLengths)
        {
            if (length < 1) throw new ArgumentException($"MultiStepError: expected episode lengths >= 1, got {length}.");
            transitions += length;
        }
        if (controls.Length != transitions * m)
            throw new InvalidTransitionDataException($"MultiStepError: expected controls of length {transitions} x {m} for episodes of {transitions} transitions, got length {controls.Length}.");
        if (states.Length != (transitions + episodeLengths.Length) * n)
            throw new InvalidTransitionDataException($"MultiStepError: expected states of length {transitions + episodeLengths.Length} x {n} (each episode's states and its final state), got length {states.Length}.");
        for (int i = 0; i < states.Length; i++)
        {
            if (!double.IsFinite(states[i])) throw new InvalidTransitionDataException($"MultiStepError: expected finite states, got {states[i]} in row {i / n}.");
        }

        var sums = new double[horizon];
        var starts = new int[horizon];
        DynamicsWorkspace workspace = model.CreateWorkspace();
        var x = new double[n];
        var next = new double[n];
        int stateRow = 0, controlRow = 0;
        foreach (int length in episodeLengths)
        {
            for (int t = 0; t < length; t++)
            {
                states.Slice((stateRow + t) * n, n).CopyTo(x);
                for (int k = 1; k <= Math.Min(horizon, length - t); k++)
                {
                    model.Step(workspace, x, controls.Slice((controlRow + t + k - 1) * m, m), next);
                    ReadOnlySpan<double> recorded = states.Slice((stateRow + t + k) * n, n);
                    double squared = 0;
                    for (int i = 0; i < n; i++) squared += (next[i] - recorded[i]) * (next[i] - recorded[i]);
                    sums[k - 1] += squared / n;
                    starts[k - 1]++;
                    next.CopyTo(x, 0);
                }
            }
            stateRow += length + 1;
            controlRow += length;
        }
        var mse = new double[horizon];
        for (int k = 0; k < horizon; k++) mse[k] = starts[k] == 0 ? double.NaN : sums[k] / starts[k];
        return new MultiStepErrorReport { MeanSquaredError = mse, Starts = starts };
    }
}
