using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>
/// Residuals stacked into one vector: part i fills entries [Offset(i), Offset(i) + parts[i].Size). Closed-form
/// Jacobians when every part has them, otherwise the cost differentiates the whole stack numerically.
/// </summary>
public sealed class ResidualStack : IResidualJacobian
{
    private readonly IResidual[] parts;
    private readonly int[] offsets;

    /// <summary>Stacks <paramref name="parts"/> (at least one), which must share state and control sizes.</summary>
    public ResidualStack(params IResidual[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("residual stack: expected at least one part, got none.");
        IResidual first = parts[0] ?? throw new ArgumentException("residual stack: part 0 is null.");
        offsets = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            IResidual part = parts[i] ?? throw new ArgumentException($"residual stack: part {i} is null.");
            if (part.StateSize != first.StateSize || part.ControlSize != first.ControlSize
                || part.StateSpace.TangentSize != first.StateSpace.TangentSize)
            {
                throw new ArgumentException(
                    $"residual stack: expected every part on (n, nt, m) = ({first.StateSize}, {first.StateSpace.TangentSize}, {first.ControlSize}), " +
                    $"part {i} has ({part.StateSize}, {part.StateSpace.TangentSize}, {part.ControlSize}).");
            }
            offsets[i] = Size;
            Size += part.Size;
        }
        this.parts = (IResidual[])parts.Clone();
    }

    /// <summary>The first entry of part <paramref name="part"/> in the stacked vector.</summary>
    public int Offset(int part) => offsets[part];

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int StateSize => parts[0].StateSize;

    /// <inheritdoc />
    public int ControlSize => parts[0].ControlSize;

    /// <inheritdoc />
    public IStateSpace StateSpace => parts[0].StateSpace;

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        ResidualChecks.Point("residual stack", this, x, u, r);
        for (int i = 0; i < parts.Length; i++) parts[i].Evaluate(x, u, r.Slice(offsets[i], parts[i].Size));
    }

    /// <inheritdoc />
    public bool TryJacobians(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> rx, Span<double> ru)
    {
        int nt = StateSpace.TangentSize, m = ControlSize;
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] is not IResidualJacobian part) return false;
            int k = part.Size;
            if (!part.TryJacobians(x, u, rx.Slice(offsets[i] * nt, k * nt), ru.Slice(offsets[i] * m, k * m))) return false;
        }
        return true;
    }
}
