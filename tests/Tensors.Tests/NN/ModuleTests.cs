// Modules: parameter naming, flattening, copying, state files (round trip and corruption), initializers, schedules.
using Control.Core;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Tensors.Tests.NN;

public class ModuleTests
{
    [Fact]
    public void MlpHasTorchLayoutAndNames()
    {
        Sequential mlp = Mlp.Create(17, [256, 256], 6, new Rng(1));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], mlp.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(17 * 256 + 256 + 256 * 256 + 256 + 256 * 6 + 6, mlp.ParameterCount);
        Assert.Equal([256, 17], ((Linear)mlp.Layers[0]).Weight.ShapeArray());
        double bound = 1 / Math.Sqrt(17);
        Assert.All(((Linear)mlp.Layers[0]).Weight.ToDoubleArray(), w => Assert.InRange(w, -bound, bound));
        var e = Assert.Throws<TensorException>(() => mlp.Forward(Tensor.Zeros(2, 16)));
        Assert.Contains("(B, 17)", e.Message);
    }

    [Fact]
    public void FlattenAndLoadFlatParametersRoundTrip()
    {
        Sequential a = Mlp.Create(3, [5], 2, new Rng(1), dtype: DType.Float64);
        Sequential b = Mlp.Create(3, [5], 2, new Rng(2), dtype: DType.Float64);
        Tensor flat = a.FlattenParameters();
        Assert.Equal(a.ParameterCount, flat.Size);
        b.LoadFlatParameters(flat);
        Assert.Equal(flat.ToDoubleArray(), b.FlattenParameters().ToDoubleArray());
        Tensor x = Tensor.Uniform(new Rng(3), -1, 1, DType.Float64, 4, 3);
        Assert.Equal(a.Forward(x).ToDoubleArray(), b.Forward(x).ToDoubleArray());
        Loss.Mse(a.Forward(x), Tensor.Zeros(DType.Float64, 4, 2)).Backward();
        Tensor grads = a.FlattenGradients();
        Assert.Equal(((Linear)a.Layers[0]).Weight.Grad!.ToDoubleArray(), grads.Narrow(0, 0, 15).ToDoubleArray());
        Assert.Throws<TensorException>(() => b.LoadFlatParameters(Tensor.Zeros(DType.Float64, 3)));
    }

    [Fact]
    public void SoftUpdateMixesParameters()
    {
        Sequential target = Mlp.Create(2, [3], 1, new Rng(1), dtype: DType.Float64);
        Sequential online = Mlp.Create(2, [3], 1, new Rng(2), dtype: DType.Float64);
        double[] t0 = target.FlattenParameters().ToDoubleArray(), o = online.FlattenParameters().ToDoubleArray();
        target.SoftUpdateFrom(online, 0.25);
        double[] t1 = target.FlattenParameters().ToDoubleArray();
        for (int i = 0; i < t0.Length; i++) Assert.Equal(0.75 * t0[i] + 0.25 * o[i], t1[i], 12);
        target.CopyParametersFrom(online);
        Assert.Equal(o, target.FlattenParameters().ToDoubleArray());
    }

    [Fact]
    public void StateFilesRoundTripAndRejectCorruption()
    {
        string path = Path.Combine(Path.GetTempPath(), $"control-module-{Guid.NewGuid():N}.bin");
        try
        {
            Sequential a = Mlp.Create(4, [8], 3, new Rng(1));
            a.Save(path);
            Sequential b = Mlp.Create(4, [8], 3, new Rng(2));
            b.Load(path);
            Assert.Equal(a.FlattenParameters().ToFloatArray(), b.FlattenParameters().ToFloatArray());

            var wrongShape = Mlp.Create(4, [9], 3, new Rng(2));
            var e = Assert.Throws<InvalidDataException>(() => wrongShape.Load(path));
            Assert.Contains("0.weight", e.Message);
            Assert.Contains("(8, 4)", e.Message);

            byte[] bytes = File.ReadAllBytes(path);
            bytes[40] ^= 0x5A;
            File.WriteAllBytes(path, bytes);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => b.Load(path)).Message);
            File.WriteAllBytes(path, bytes[..20]);
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => b.Load(path)).Message);
            File.WriteAllText(path, "hello");
            Assert.Contains("CTLM", Assert.Throws<InvalidDataException>(() => b.Load(path)).Message);
            Assert.Equal(a.FlattenParameters().ToFloatArray(), b.FlattenParameters().ToFloatArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(64, 17)]
    [InlineData(17, 64)]
    [InlineData(32, 32)]
    public void OrthogonalInitIsOrthogonalWithGain(int rows, int cols)
    {
        Tensor w = Tensor.Zeros(DType.Float64, rows, cols);
        Init.Orthogonal(w, new Rng(5), gain: Math.Sqrt(2));
        // The smaller Gram matrix equals gain^2 I.
        Tensor gram = rows >= cols ? Tensor.MatMul(w, w, true, false) : Tensor.MatMul(w, w, false, true);
        int n = Math.Min(rows, cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(i == j ? 2.0 : 0.0, gram[i * n + j], 10);
    }

    [Fact]
    public void XavierAndHeHaveTheirScales()
    {
        Tensor w = Tensor.Zeros(DType.Float64, 400, 300);
        Init.XavierUniform(w, new Rng(1));
        double bound = Math.Sqrt(6.0 / 700);
        Assert.All(w.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        Init.XavierNormal(w, new Rng(2));
        Assert.Equal(2.0 / 700, w.Square().Mean().Item(), 4);
        Init.HeNormal(w, new Rng(3));
        Assert.Equal(2.0 / 300, w.Square().Mean().Item(), 4);
        Init.HeUniform(w, new Rng(4));
        Assert.All(w.ToDoubleArray(), v => Assert.InRange(v, -Math.Sqrt(6.0 / 300), Math.Sqrt(6.0 / 300)));
    }

    [Fact]
    public void SchedulesAndClipping()
    {
        var linear = new LinearSchedule(1e-3, 0, 100);
        Assert.Equal(1e-3, linear.Rate(0));
        Assert.Equal(0.5e-3, linear.Rate(50), 15);
        Assert.Equal(0, linear.Rate(200));
        var cosine = new CosineSchedule(1.0, 0.1, 10);
        Assert.Equal(1.0, cosine.Rate(0), 12);
        Assert.Equal(0.55, cosine.Rate(5), 12);
        Assert.Equal(0.1, cosine.Rate(10), 12);

        Tensor p = Tensor.FromArray(new double[] { 1, 2 });
        p.RequiresGrad = true;
        (p * Tensor.FromArray(new double[] { 3, 4 })).Sum().Backward();
        double norm = Gradients.ClipByGlobalNorm([p], 1.0);
        Assert.Equal(5.0, norm, 12);
        Assert.Equal(3 / (5 + 1e-6), p.Grad![0], 9);
        Assert.Equal(4 / (5 + 1e-6), p.Grad[1], 9);

        var adam = new Adam([p], new AdamConfig { LearningRate = 1.0 });
        linear.Apply(adam);
        Assert.Equal(1e-3, adam.LearningRate);
    }
}
