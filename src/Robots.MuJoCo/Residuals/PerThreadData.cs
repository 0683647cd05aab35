// One mjData per thread for residuals that read MuJoCo's kinematics or sensors: a ResidualCost evaluates its
// residual from planner threads at once, and an mjData belongs to one thread.
namespace Control.Robots.MuJoCo.Residuals;

/// <summary>A lazily made <see cref="MuJoCoData"/> of one model for each thread that asks.</summary>
internal sealed class PerThreadData(MuJoCoModel model)
{
    private readonly ThreadLocal<MuJoCoData> data = new(model.CreateData);

    /// <summary>This thread's data.</summary>
    public MuJoCoData Current => data.Value!;
}
