using Control.Core.Envs;
using Control.Dynamics.Data;
using Control.Policies.Offline;
using Control.Robots;

namespace Control.Policies.Tests.Offline;

// Logged datasets checked against an env before learning: the columns the header names, finite values, actions in the
// action space (the row is named), cells of a Discrete observation space, and the fingerprint that ties a checkpoint
// to its rows whatever the file format.
public sealed class OfflineDatasetTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ctl-offline-{Guid.NewGuid():N}");

    public OfflineDatasetTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    private static readonly IEnv CartPole = Envs.Make("cartpole");
    private static readonly IEnv Pendulum = Envs.Make("pendulum");

    private static TransitionDataset CartPoleRows(int count)
    {
        var data = new TransitionDataset(4, 1);
        for (int i = 0; i < count; i++) data.Add([0.01 * i, 0, -0.02, 0.1], [i % 2], [0.01 * i + 0.01, 0.1, -0.02, 0.05], 1, i == count - 1);
        return data;
    }

    private static OfflineDataset LoadCartPole(string path) => OfflineDataset.Load(path, "cartpole", CartPole.ObservationSpace, CartPole.ActionSpace);

    [Fact]
    public void CsvAndBinaryFilesOfTheSameRowsLoadWithTheSameFingerprint()
    {
        TransitionDataset rows = CartPoleRows(20);
        rows.ExportCsv(PathOf("rows.csv"));
        rows.Save(PathOf("rows.bin"));
        OfflineDataset csv = LoadCartPole(PathOf("rows.csv")), binary = LoadCartPole(PathOf("rows.bin"));
        Assert.Equal(20, csv.Count);
        Assert.Equal(csv.Fingerprint, binary.Fingerprint);
        Assert.Equal(csv.Transitions.Controls.ToArray(), binary.Transitions.Controls.ToArray());
        Assert.NotEqual(csv.Fingerprint, OfflineDataset.From(CartPoleRows(19), "cartpole", CartPole.ObservationSpace, CartPole.ActionSpace).Fingerprint);
    }

    [Fact]
    public void AHeaderWithoutActionColumnsSaysWhichColumnsTheEnvNeeds()
    {
        File.WriteAllText(PathOf("no-actions.csv"), "x0,x1,x2,x3,x'0,x'1,x'2,x'3,reward,terminated\n0,0,0,0,0,0,0,0,1,0\n");
        var error = Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("no-actions.csv")));
        Assert.Contains("expected 1 action column (u0) for cartpole's Discrete(2) actions, the header has no action columns", error.Message);
        Assert.Null(error.Row);

        File.WriteAllText(PathOf("pendulum.csv"), "x0,x1,x2,u0,x'0,x'1,x'2,reward,terminated\n0,1,0,0.5,0,1,0,-1,0\n");
        error = Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("pendulum.csv")));
        Assert.Contains("expected 4 observation columns (x0..x3)", error.Message);
        Assert.Contains("the header has 3 and 3", error.Message);
    }

    [Fact]
    public void ANaNValueNamesItsLineRowAndColumn()
    {
        File.WriteAllText(PathOf("nan.csv"), "x0,x1,x2,x3,u0,x'0,x'1,x'2,x'3,reward,terminated\n0,0,0,0,1,0,0,0,0,1,0\n0,NaN,0,0,1,0,0,0,0,1,0\n");
        var error = Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("nan.csv")));
        Assert.Contains("line 3 (row 1): column 2 (x1): expected a finite number, got 'NaN'", error.Message);
        Assert.Equal(typeof(InvalidDataException), error.InnerException!.GetType());
    }

    [Fact]
    public void ActionsOutsideTheActionSpaceAreNamedByRow()
    {
        TransitionDataset rows = CartPoleRows(10);
        rows.Add([0, 0, 0, 0], [2], [0, 0, 0, 0], 1, false);
        rows.ExportCsv(PathOf("bad-action.csv"));
        var error = Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("bad-action.csv")));
        Assert.Equal(10, error.Row);
        Assert.Contains("row 10 (line 12): action u0 = 2 is not one of cartpole's Discrete(2) actions (an integer in [0, 1])", error.Message);

        var torques = new TransitionDataset(3, 1);
        torques.Add([1, 0, 0], [1.5], [1, 0, 0], -1, false);
        torques.Add([1, 0, 0], [-2.25], [1, 0, 0], -1, false);
        torques.Save(PathOf("torques.bin"));
        error = Assert.Throws<OfflineDatasetException>(() => OfflineDataset.Load(PathOf("torques.bin"), "pendulum", Pendulum.ObservationSpace, Pendulum.ActionSpace));
        Assert.Equal(1, error.Row);
        Assert.Contains("row 1: action u0 = -2.25 is outside pendulum's action bounds [-2, 2]", error.Message);
    }

    [Fact]
    public void ABinaryFileOfAnotherEnvMissingFilesAndNoRowsAreRefused()
    {
        var pendulumRows = new TransitionDataset(3, 1);
        pendulumRows.Add([1, 0, 0], [0.5], [1, 0, 0], -1, false);
        pendulumRows.Save(PathOf("pendulum.bin"));
        Assert.Contains("expected observations of 4 values (cartpole's", Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("pendulum.bin"))).Message);
        Assert.Contains("found no such file", Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("missing.csv"))).Message);
        new TransitionDataset(4, 1).ExportCsv(PathOf("empty.csv"));
        Assert.Contains("expected at least one transition, got none", Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("empty.csv"))).Message);
        File.WriteAllText(PathOf("text.bin"), "x0,u0\n");
        Assert.Contains("magic bytes", Assert.Throws<OfflineDatasetException>(() => LoadCartPole(PathOf("text.bin"))).Message);
    }

    [Fact]
    public void DiscreteObservationsMustBeCellsOfTheSpace()
    {
        IEnv grid = Envs.Make("gridworld");
        var rows = new TransitionDataset(1, 1);
        rows.Add([3], [1], [7], 0, false);
        rows.Add([3], [1], [16], 0, false);
        var error = Assert.Throws<OfflineDatasetException>(() => OfflineDataset.From(rows, "gridworld", grid.ObservationSpace, grid.ActionSpace, "cells"));
        Assert.Equal(1, error.Row);
        Assert.Contains("cells: row 1: next observation x'0 = 16 is not one of gridworld's Discrete(16) cells", error.Message);
    }
}
