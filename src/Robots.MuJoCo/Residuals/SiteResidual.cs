// A site's world position as a residual: r = site_xpos[site][axes] - target, where the target is a fixed point or
// another site's position (the reacher's fingertip to its target site). Evaluated by mj_kinematics on a per-thread
// mjData; the Jacobians are ResidualCost's central differences through the state space.
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Residuals;

/// <summary>r_i = p_site[axes[i]] - target_i with p_site the site's world position; thread-safe.</summary>
public sealed class SiteResidual : IResidual
{
    private readonly PerThreadData data;
    private readonly int site;
    private readonly int otherSite;
    private readonly int[] axes;
    private readonly double[] target;

    private SiteResidual(MuJoCoDynamics dynamics, string siteName, string? otherName, double[]? target, int[]? axes)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(siteName);
        MuJoCoModel model = dynamics.Model;
        axes ??= [0, 1, 2];
        if (axes.Length == 0 || axes.Any(a => a is < 0 or > 2) || axes.Distinct().Count() != axes.Length)
            throw new ArgumentException($"{model.Source}: site residual of '{siteName}': expected distinct axes in 0..2 (x, y, z), got [{string.Join(", ", axes)}]");
        site = model.Id(MuJoCoObject.Site, siteName);
        otherSite = otherName is null ? -1 : model.Id(MuJoCoObject.Site, otherName);
        this.axes = (int[])axes.Clone();
        target ??= new double[axes.Length];
        if (target.Length != axes.Length || !target.All(double.IsFinite))
            throw new ArgumentException($"{model.Source}: site residual of '{siteName}': expected {axes.Length} finite target entries (one per axis), got [{string.Join(", ", target)}]");
        this.target = (double[])target.Clone();
        StateSpace = dynamics.StateSpace;
        ControlSize = dynamics.ControlSize;
        data = new PerThreadData(model);
    }

    /// <summary>Site <paramref name="site"/> against the fixed point <paramref name="target"/> (origin when null), on <paramref name="axes"/> (all three when null).</summary>
    public static SiteResidual ToPoint(MuJoCoDynamics dynamics, string site, double[]? target = null, int[]? axes = null)
        => new(dynamics, site, null, target, axes);

    /// <summary>Site <paramref name="site"/> against site <paramref name="other"/>'s position, on <paramref name="axes"/> (all three when null).</summary>
    public static SiteResidual ToSite(MuJoCoDynamics dynamics, string site, string other, int[]? axes = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(dynamics, site, other, null, axes);
    }

    /// <inheritdoc />
    public int Size => axes.Length;

    /// <inheritdoc />
    public int StateSize => StateSpace.Size;

    /// <inheritdoc />
    public int ControlSize { get; }

    /// <inheritdoc />
    public IStateSpace StateSpace { get; }

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        if (x.Length != StateSize || u.Length != ControlSize || r.Length != Size)
            throw new ArgumentException($"site residual: expected x, u, r of lengths ({StateSize}, {ControlSize}, {Size}), got ({x.Length}, {u.Length}, {r.Length})");
        MuJoCoData d = data.Current;
        d.SetStateKinematics(x);
        ReadOnlySpan<double> positions = d.SitePositions;
        for (int i = 0; i < axes.Length; i++)
        {
            double reference = otherSite < 0 ? target[i] : positions[3 * otherSite + axes[i]];
            r[i] = positions[3 * site + axes[i]] - reference;
        }
    }
}
