// SpaceJson: spaces survive the trip through their metadata JSON exactly (infinite, unequal and awkward finite
// bounds, multi-dimensional shapes, Discrete), the text is what a runtime without Control reads, and anything else
// is refused with a FormatException that says what was expected and what came.
using Control.Core;
using Control.Core.Envs;
using Control.Deploy.Onnx;

namespace Control.Deploy.Tests.Onnx;

public sealed class SpaceJsonTests
{
    public static TheoryData<Space> Spaces() => new()
    {
        new Discrete(1),
        new Discrete(7),
        Box.Uniform(1, -2, 2),
        new Box([double.NegativeInfinity, -1, -8], [double.PositiveInfinity, 1, 8]),
        new Box([0.1, -1e-300, -double.MaxValue, 1.0 / 3], [0.1 + 1e-16, 5e-324, double.MaxValue, 2.0 / 3]),
        new Box([-1, -2, -3, -4, -5, -6], [1, 2, 3, 4, 5, double.PositiveInfinity], [2, 3]),
    };

    [Theory]
    [MemberData(nameof(Spaces))]
    public void SpacesRoundTripExactly(Space space)
    {
        string json = SpaceJson.Write(space);
        Space back = SpaceJson.Read(json);
        Assert.Equal(space, back);
        Assert.Equal(space.Describe(), back.Describe());
        if (space is Box box) Assert.Equal(box.Shape.ToArray(), ((Box)back).Shape.ToArray());
        Assert.Equal(json, SpaceJson.Write(back));
    }

    [Fact]
    public void TextIsPlainJsonWithInfinitiesAsStrings()
    {
        Assert.Equal("""{"type":"discrete","n":2}""", SpaceJson.Write(new Discrete(2)));
        Assert.Equal("""{"type":"box","shape":[2],"low":["-inf",-1.5],"high":["inf",0.25]}""",
            SpaceJson.Write(new Box([double.NegativeInfinity, -1.5], [double.PositiveInfinity, 0.25])));
        Assert.Equal(new Box([-1], [1]), SpaceJson.Read("""  { "high": [1.0], "low": [-1e0], "shape": [1], "type": "box" } """));
    }

    [Theory]
    [InlineData("not json", "got not json")]
    [InlineData("""[1, 2]""", "got [1, 2]")]
    [InlineData("""{"n": 2}""", "expected a property \"type\", found none")]
    [InlineData("""{"type": "multi_discrete", "nvec": [2, 2]}""", "expected a space of type \"box\" or \"discrete\", got \"multi_discrete\"")]
    [InlineData("""{"type": "discrete"}""", "expected a property \"n\", found none")]
    [InlineData("""{"type": "discrete", "n": 0}""", "Discrete needs at least one choice")]
    [InlineData("""{"type": "discrete", "n": 2.5}""", "expected an integer, got 2.5")]
    [InlineData("""{"type": "discrete", "n": "2"}""", "expected an integer, got \"2\"")]
    [InlineData("""{"type": "box", "shape": [2], "low": [0, 0]}""", "expected a property \"high\", found none")]
    [InlineData("""{"type": "box", "shape": [3], "low": [0, 0], "high": [1, 1]}""", "Box shape (3) holds 3 elements, bounds hold 2")]
    [InlineData("""{"type": "box", "shape": [1], "low": [0, 0], "high": [1]}""", "Box bounds differ in length")]
    [InlineData("""{"type": "box", "shape": [1], "low": [2], "high": [1]}""", "Box bound 0 is invalid: low=2, high=1")]
    [InlineData("""{"type": "box", "shape": [1], "low": ["-Infinity"], "high": [1]}""", "expected a number, \"inf\" or \"-inf\", got \"-Infinity\"")]
    [InlineData("""{"type": "box", "shape": [1], "low": [null], "high": [1]}""", "got null")]
    public void BadTextIsRefusedSayingWhatWasExpectedAndWhatCame(string json, string detail)
    {
        var error = Assert.Throws<FormatException>(() => SpaceJson.Read(json));
        Assert.StartsWith("SpaceJson: expected a space as {\"type\": \"box\"|\"discrete\", ...}, got ", error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void LongBadTextIsAbbreviated()
    {
        string json = "{\"type\": \"box\", \"shape\": [1], \"low\": [" + string.Join(", ", Enumerable.Repeat("0", 200)) + "], \"high\": [1]}";
        var error = Assert.Throws<FormatException>(() => SpaceJson.Read(json));
        Assert.Contains($"got {json[..200]}...: Box bounds differ in length: low has 200, high has 1", error.Message);
    }

    [Fact]
    public void UnwritableSpacesAreRefused()
    {
        Assert.Contains("expected a Box or Discrete space, got Odd", Assert.Throws<ArgumentException>(() => SpaceJson.Write(new Odd())).Message);
        Assert.Throws<ArgumentNullException>(() => SpaceJson.Write(null!));
        Assert.Throws<ArgumentNullException>(() => SpaceJson.Read(null!));
    }

    private sealed record Odd : Space
    {
        public override int FlatSize => 1;
        public override bool Contains(ReadOnlySpan<double> value) => true;
        public override void Sample(Rng rng, Span<double> destination) => destination[0] = 0;
        public override string Describe() => "Odd";
    }
}
