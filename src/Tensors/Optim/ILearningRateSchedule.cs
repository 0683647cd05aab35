// Learning-rate schedules: a rate per step, applied to an optimizer before its step.
namespace Control.Tensors.Optim;

/// <summary>A learning rate as a function of the step number (0-based).</summary>
public interface ILearningRateSchedule
{
    /// <summary>The rate at <paramref name="step"/>.</summary>
    double Rate(int step);
}
