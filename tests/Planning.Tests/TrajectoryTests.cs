namespace Control.Planning.Tests;

public class TrajectoryTests
{
    [Fact]
    public void ShiftDropsLeadingControlsAndRepeatsTheLast()
    {
        var trajectory = new Trajectory(4, 1, 2, withGains: true);
        for (int i = 0; i < 8; i++) trajectory.Controls[i] = i;
        for (int i = 0; i < trajectory.Gains!.Length; i++) trajectory.Gains[i] = 10 * (i / 2);
        trajectory.Shift(1);
        Assert.Equal([2, 3, 4, 5, 6, 7, 6, 7], trajectory.Controls);
        Assert.Equal([10, 10, 20, 20, 30, 30, 30, 30], trajectory.Gains);
        trajectory.Shift(10);
        Assert.Equal([6, 7, 6, 7, 6, 7, 6, 7], trajectory.Controls);
    }

    [Fact]
    public void BadDimensionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trajectory(0, 2, 1));
        Assert.Throws<ArgumentException>(() => new Trajectory(3, 2, 1).CopyFrom(new Trajectory(4, 2, 1)));
    }
}
