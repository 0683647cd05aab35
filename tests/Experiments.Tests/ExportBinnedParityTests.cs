// The export check of a binned head: a level taken apart by ONNX Runtime only where Control's two largest logits are
// within float32 rounding is a differing action (either engine may break the tie), not a graph that computes something
// else; a level taken apart where Control's choice is clear is.
namespace Control.Experiments.Tests;

public class ExportBinnedParityTests
{
    private static readonly double[] Levels = [-1.0, 0.0, 1.0];

    [Fact]
    public void TheSameLevelsAgree()
        => Assert.Equal(ExportRun.BinnedParity.Same, ExportRun.BinnedAgreement([0f, 1f], [0.0, 1.0], [0f, 3f, 1f, 0f, 1f, 2f], Levels.Length));

    [Fact]
    public void AnotherLevelAcrossANearTieIsADifferingActionAndAcrossAClearGapADisagreement()
    {
        float tie = 2f + 2e-6f; // above 2 by float32 rounding, far inside the tolerance
        Assert.Equal(ExportRun.BinnedParity.NearTie, ExportRun.BinnedAgreement([-1f], [0.0], [2f, tie, 1f], Levels.Length));
        Assert.Equal(ExportRun.BinnedParity.Differs, ExportRun.BinnedAgreement([-1f], [0.0], [1.5f, 2f, 1f], Levels.Length));
        // the tolerance is relative to the largest logit's size
        Assert.Equal(ExportRun.BinnedParity.NearTie, ExportRun.BinnedAgreement([-1f], [0.0], [3000f, 3000.1f, 1f], Levels.Length));
        Assert.Equal(ExportRun.BinnedParity.Differs, ExportRun.BinnedAgreement([-1f], [0.0], [3000f, 3001f, 1f], Levels.Length));
    }

    [Fact]
    public void OneClearDisagreementAmongSeveralActionValuesDecides()
    {
        float tie = 2f + 2e-6f;
        // value 0 across a near-tie, value 1 the same: a differing action
        Assert.Equal(ExportRun.BinnedParity.NearTie, ExportRun.BinnedAgreement([-1f, 1f], [0.0, 1.0], [2f, tie, 1f, 0f, 1f, 2f], Levels.Length));
        // value 0 across a near-tie, value 1 clearly apart: a disagreement
        Assert.Equal(ExportRun.BinnedParity.Differs, ExportRun.BinnedAgreement([-1f, -1f], [0.0, 1.0], [2f, tie, 1f, 0f, 1f, 2f], Levels.Length));
    }
}
