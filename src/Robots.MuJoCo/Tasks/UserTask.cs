// A task described by a user's task file (UserTaskFile) on the user's MJCF model: the observation pieces it lists,
// noise around qpos0 for the initial state, a residual cost of its terms, and reward = -stage cost. Every name is
// checked against the model here, and an error names the file, the field and its line.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;
using Control.Robots.MuJoCo.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>A <see cref="MuJoCoTask"/> made from a <see cref="UserTaskFile"/>.</summary>
public sealed class UserTask : MuJoCoTask
{
    private readonly (string Kind, int Start, int Size)[] pieces;

    /// <summary>The task of <paramref name="spec"/> on <paramref name="model"/> (loaded from spec.Model).</summary>
    /// <exception cref="MuJoCoTaskFileException">The model's actuator count differs from the file's, or a joint, site or
    /// sensor is unknown, or a term does not fit (target length, axes, actuator indices, duplicate names).</exception>
    public UserTask(UserTaskFile spec, MuJoCoModel model)
        : base(CheckActuators(spec, model), spec.Actuators, new MuJoCoDynamicsConfig { Substeps = spec.Substeps })
    {
        Spec = spec;
        pieces = [.. spec.Observation.Select(Piece)];
        ObservationSize = pieces.Sum(p => p.Size);
        NeedsKinematics = pieces.Any(p => p.Kind is "site" or "sensor");
        var parts = spec.Residuals.Select(Residual).ToArray();
        var residual = new ResidualStack(parts);
        var terms = spec.Residuals.Select((t, i) => new ResidualTerm(t.Name, residual.Offset(i), parts[i].Size, Norm(t), t.Weight, t.TerminalWeight));
        try
        {
            Cost = new ResidualCost(residual, terms, new ResidualCostConfig { Name = spec.Name });
        }
        catch (InvalidResidualTermException e)
        {
            UserResidualTerm term = spec.Residuals.First(t => t.Name == e.TermName);
            throw new MuJoCoTaskFileException(spec.File, $"residuals[{IndexOf(term)}].name", term.Line, e.Message, e);
        }
    }

    /// <summary>The task file.</summary>
    public UserTaskFile Spec { get; }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize { get; }

    /// <inheritdoc />
    public override bool NeedsKinematics { get; }

    /// <summary>The pieces in the file's order: qpos, qvel, site world positions (3 each), sensor values.</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        int at = 0;
        foreach ((string kind, int start, int size) in pieces)
        {
            ReadOnlySpan<double> source = kind switch
            {
                "qpos" or "qvel" => x.Slice(start, size),
                "site" => data.SitePositions.Slice(start, size),
                _ => data.SensorData.Slice(start, size),
            };
            source.CopyTo(observation.Slice(at, size));
            at += size;
        }
    }

    /// <summary>-l(x, u) with u clipped to the control range.</summary>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => NegativeStageCost(x, u);

    /// <summary>qpos0 moved by U(-QposNoise, QposNoise) per tangent coordinate, velocities U(-QvelNoise, QvelNoise), activations 0.</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        Span<double> reference = stackalloc double[x.Length];
        ReferenceState(reference);
        Span<double> dx = stackalloc double[Dynamics.StateSpace.TangentSize];
        dx.Clear();
        int nv = Model.Nv;
        for (int i = 0; i < nv; i++) dx[i] = Spec.QposNoise == 0 ? 0 : random.Uniform(-Spec.QposNoise, Spec.QposNoise);
        for (int i = 0; i < nv; i++) dx[nv + i] = Spec.QvelNoise == 0 ? 0 : random.Uniform(-Spec.QvelNoise, Spec.QvelNoise);
        Dynamics.StateSpace.Integrate(reference, dx, x);
    }

    private static MuJoCoModel CheckActuators(UserTaskFile spec, MuJoCoModel model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        if (model.Nu != spec.Actuators)
            throw new MuJoCoTaskFileException(spec.File, "actuators", spec.ActuatorsLine,
                $"the task expects {spec.Actuators} actuator(s), the model {model.Source} has {model.Nu}");
        return model;
    }

    private (string, int, int) Piece(UserObservationPiece piece, int index)
    {
        switch (piece.Kind)
        {
            case "qpos": return ("qpos", 0, Model.Nq);
            case "qvel": return ("qvel", Model.Nq, Model.Nv);
            case "site": return ("site", 3 * Lookup(() => Model.Id(MuJoCoObject.Site, piece.Name!), $"observation[{index}].site", piece.Line), 3);
            default:
                (int address, int size) = Lookup(() => Model.Sensor(piece.Name!), $"observation[{index}].sensor", piece.Line);
                return ("sensor", address, size);
        }
    }

    private IResidual Residual(UserResidualTerm term, int index)
    {
        string at = $"residuals[{index}]";
        IStateSpace space = Dynamics.StateSpace;
        int m = Dynamics.ControlSize;
        return Lookup<IResidual>(() => term.Kind switch
        {
            "qpos" => new StateResidual(space, m, [QposIndex(Joint(term, at))], term.Target),
            "qvel" => new StateResidual(space, m, [QvelIndex(Joint(term, at))], term.Target),
            "site" when term.ToSite is not null => SiteResidual.ToSite(Dynamics, term.Site!, term.ToSite, term.Axes),
            "site" => SiteResidual.ToPoint(Dynamics, term.Site!, term.Target, term.Axes),
            "sensor" => new SensorResidual(Dynamics, term.Sensor!, term.Target),
            _ => new ControlResidual(space, m, term.Actuators, term.Target),
        }, at, term.Line);
    }

    // A hinge or slide joint (one coordinate), so that qpos and qvel terms are one number each.
    private string Joint(UserResidualTerm term, string at)
    {
        MuJoCoJoint joint = Model.Joints[Model.Id(MuJoCoObject.Joint, term.Joint!)];
        if (joint.Type is not (MuJoCoJointType.Hinge or MuJoCoJointType.Slide))
            throw new MuJoCoTaskFileException(Spec.File, $"{at}.joint", term.Line, $"joint '{term.Joint}' is a {joint.Type.ToString().ToLowerInvariant()} joint; {term.Kind} terms take hinge or slide joints");
        return term.Joint!;
    }

    private static ResidualNorm Norm(UserResidualTerm term) => term.Norm switch
    {
        "smooth-l2" => ResidualNorm.SmoothL2(term.Smoothing),
        "smooth-abs" => ResidualNorm.SmoothAbs(term.Smoothing),
        _ => ResidualNorm.Quadratic,
    };

    private int IndexOf(UserResidualTerm term) => Spec.Residuals.ToList().IndexOf(term);

    // Runs a lookup against the model; its errors (unknown names, sizes that do not fit) name the file's field.
    private T Lookup<T>(Func<T> lookup, string field, int line)
    {
        try
        {
            return lookup();
        }
        catch (MuJoCoTaskFileException)
        {
            throw;
        }
        catch (Exception e) when (e is MuJoCoModelException or ArgumentException)
        {
            throw new MuJoCoTaskFileException(Spec.File, field, line, e.Message, e);
        }
    }
}
