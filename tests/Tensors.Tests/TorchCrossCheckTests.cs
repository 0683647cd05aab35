// Values and gradients of an MLP, and the update sequences of SGD, Adam, AdamW and RMSprop, against PyTorch.
using System.Text.Json;
using System.Text.Json.Nodes;
using Control.Core;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Tensors.Tests;

public class TorchCrossCheckTests
{
    [Theory]
    [InlineData(DType.Float32, "tanh", Activation.Tanh, 1)]
    [InlineData(DType.Float32, "tanh", Activation.Tanh, 64)]
    [InlineData(DType.Float64, "relu", Activation.Relu, 7)]
    [InlineData(DType.Float64, "elu", Activation.Elu, 5)]
    [InlineData(DType.Float32, "softplus", Activation.Softplus, 9)]
    public void MlpValuesAndGradientsMatchPyTorch(DType dtype, string activationName, Activation activation, int batch)
    {
        int[] sizes = [17, 256, 256, 6];
        var rng = new Rng(42);
        Sequential model = Mlp.Create(sizes[0], sizes[1..^1], sizes[^1], rng, activation, dtype: dtype);
        Tensor x = Tensor.Uniform(rng, -1, 1, dtype, batch, sizes[0]);
        Tensor target = Tensor.Uniform(rng, -1, 1, dtype, batch, sizes[^1]);
        Tensor y = model.Forward(x);
        Tensor loss = Loss.Mse(y, target);
        loss.Backward();

        var parameters = new JsonObject();
        foreach ((string name, Tensor p) in model.NamedParameters()) parameters[name] = TorchReference.Array(p.ToDoubleArray());
        JsonElement answer = TorchReference.Ask(new JsonObject
        {
            ["task"] = "mlp",
            ["dtype"] = dtype.Name(),
            ["sizes"] = new JsonArray(sizes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
            ["activation"] = activationName,
            ["batch"] = batch,
            ["parameters"] = parameters,
            ["input"] = TorchReference.Array(x.ToDoubleArray()),
            ["target"] = TorchReference.Array(target.ToDoubleArray()),
        });

        double tolerance = dtype == DType.Float32 ? 1e-5 : 1e-12;
        AssertClose(TorchReference.Doubles(answer.GetProperty("output")), y.ToDoubleArray(), tolerance, "output");
        AssertClose([answer.GetProperty("loss").GetDouble()], [loss.Item()], tolerance, "loss");
        foreach ((string name, Tensor p) in model.NamedParameters())
            AssertClose(TorchReference.Doubles(answer.GetProperty("gradients").GetProperty(name)), p.Grad!.ToDoubleArray(), tolerance, "grad " + name);
    }

    public static TheoryData<string, string> Optimizers => new()
    {
        { "sgd", "{\"lr\": 0.01}" },
        { "sgd", "{\"lr\": 0.01, \"momentum\": 0.9}" },
        { "sgd", "{\"lr\": 0.01, \"momentum\": 0.9, \"nesterov\": true, \"weight_decay\": 0.1}" },
        { "sgd", "{\"lr\": 0.01, \"momentum\": 0.5, \"dampening\": 0.3}" },
        { "adam", "{\"lr\": 0.05}" },
        { "adam", "{\"lr\": 0.05, \"betas\": [0.8, 0.99], \"eps\": 1e-6, \"weight_decay\": 0.1}" },
        { "adamw", "{\"lr\": 0.05, \"weight_decay\": 0.3}" },
        { "rmsprop", "{\"lr\": 0.01}" },
        { "rmsprop", "{\"lr\": 0.007, \"alpha\": 0.99, \"eps\": 1e-5}" },
        { "rmsprop", "{\"lr\": 0.01, \"alpha\": 0.9, \"eps\": 1e-6, \"weight_decay\": 0.1, \"momentum\": 0.5, \"centered\": true}" },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerUpdatesMatchPyTorch(string kind, string settingsJson)
    {
        double[] initial = [0.5, -1.0, 2.0, 0.1];
        double[] a = [1, 2, 0, -1, 0.5, 0, 1, 1, -1, 1, 1, 0, 2, 0, -0.5, 1, 0, 1, 0, 3];
        double[] b = [1, -2, 0.5, 3, -1];
        const int steps = 25;
        JsonObject settings = JsonNode.Parse(settingsJson)!.AsObject();
        JsonElement answer = TorchReference.Ask(new JsonObject
        {
            ["task"] = "optim",
            ["optimizer"] = kind,
            ["settings"] = settings.DeepClone(),
            ["initial"] = TorchReference.Array(initial),
            ["a"] = TorchReference.Array(a),
            ["b"] = TorchReference.Array(b),
            ["steps"] = steps,
        });

        Tensor p = Tensor.FromArray((double[])initial.Clone());
        p.RequiresGrad = true;
        Tensor matrix = Tensor.FromArray(a, 5, 4), vector = Tensor.FromArray(b);
        double lr = settings["lr"]!.GetValue<double>();
        double Get(string key, double fallback) => settings[key]?.GetValue<double>() ?? fallback;
        Optimizer optimizer = kind switch
        {
            "sgd" => new Sgd([p], new SgdConfig
            {
                LearningRate = lr, Momentum = Get("momentum", 0), Dampening = Get("dampening", 0), WeightDecay = Get("weight_decay", 0),
                Nesterov = settings["nesterov"]?.GetValue<bool>() ?? false,
            }),
            "adam" => new Adam([p], new AdamConfig
            {
                LearningRate = lr, WeightDecay = Get("weight_decay", 0), Epsilon = Get("eps", 1e-8),
                Beta1 = settings["betas"]?[0]?.GetValue<double>() ?? 0.9, Beta2 = settings["betas"]?[1]?.GetValue<double>() ?? 0.999,
            }),
            "rmsprop" => new RmsProp([p], new RmsPropConfig
            {
                LearningRate = lr, Alpha = Get("alpha", 0.99), Epsilon = Get("eps", 1e-8), WeightDecay = Get("weight_decay", 0),
                Momentum = Get("momentum", 0), Centered = settings["centered"]?.GetValue<bool>() ?? false,
            }),
            _ => Adam.AdamW([p], new AdamConfig { LearningRate = lr, WeightDecay = Get("weight_decay", 0.01) }),
        };
        JsonElement[] history = answer.GetProperty("history").EnumerateArray().ToArray();
        for (int step = 0; step < steps; step++)
        {
            optimizer.ZeroGrad();
            Tensor residual = Tensor.MatMul(matrix, p.Reshape(4, 1)).Reshape(5) - vector;
            residual.Square().Sum().Backward();
            optimizer.Step();
            AssertClose(TorchReference.Doubles(history[step]), p.ToDoubleArray(), 1e-10, $"{kind} step {step + 1}");
        }
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * Math.Max(Math.Abs(expected[i]), scale),
                $"{what}[{i}]: PyTorch {expected[i]:R}, Control {actual[i]:R}");
        }
    }
}
