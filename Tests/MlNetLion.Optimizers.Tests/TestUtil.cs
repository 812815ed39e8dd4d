using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

internal static class TestUtil
{
    /// <summary>The folder holding mlnet-lion.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "mlnet-lion.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No mlnet-lion.sln above {AppContext.BaseDirectory}.");
    }

    public static Tensor Param(float[] values, params long[] shape) =>
        Tensor.From<float>(new ReadOnlySpan<float>(values), shape.Length == 0 ? [values.Length] : shape, requiresGrad: true);

    /// <summary>A tensor from an array (through the span overload; without a shape: one-dimensional).</summary>
    public static Tensor T<TElem>(TElem[] values, params long[] shape) where TElem : unmanaged =>
        Tensor.From<TElem>(new ReadOnlySpan<TElem>(values), shape.Length == 0 ? [values.Length] : shape);

    public static void SetGrad(Tensor p, float[]? grad)
    {
        if (grad is null)
        {
            p.Grad = null;
            return;
        }
        using var g = T(grad, p.Shape);
        p.Grad = g;
    }

    public static float[] Values(Tensor t) => t.ToArray<float>();

    public static float[] RandomArray(Random rng, int n, double scale = 1)
    {
        var a = new float[n];
        for (var i = 0; i < n; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return a;
    }

    /// <summary>Asserts bit-identical floats (NaN payloads aside), naming the first difference.</summary>
    public static void AssertBitEqual(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (var i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }
}

/// <summary>Deterministic gradients for a run: the same (seed, step, parameter) always gives the same values.</summary>
internal static class Drive
{
    public static float[] Gradient(int seed, int step, int param, int n, double scale = 1)
    {
        var rng = new Random(HashCode.Combine(seed, step, param));
        return TestUtil.RandomArray(rng, n, scale);
    }

    /// <summary>Sets deterministic gradients for steps [from, to] and steps the optimizer after each.</summary>
    public static void Steps(Optimizer optimizer, IReadOnlyList<Tensor> parameters, int from, int to, int seed = 7)
    {
        for (var t = from; t <= to; t++)
        {
            for (var i = 0; i < parameters.Count; i++)
                TestUtil.SetGrad(parameters[i], Gradient(seed, t, i, (int)parameters[i].NumberOfElements));
            Assert.IsTrue(optimizer.Step(), $"step {t} was skipped");
        }
    }

    public static Tensor[] Parameters(int seed, params long[][] shapes) =>
        shapes.Select((s, i) => TestUtil.Param(TestUtil.RandomArray(new Random(seed * 31 + i), (int)s.Aggregate(1L, (a, b) => a * b)), s)).ToArray();

    public static Tensor[] Copy(IEnumerable<Tensor> parameters) =>
        parameters.Select(p => TestUtil.Param(p.ToArray<float>(), p.Shape)).ToArray();

    public static void Dispose(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors) t.Dispose();
    }
}

/// <summary>Every optimizer the suites run, by name, built over given parameters.</summary>
internal static class Optimizers
{
    public static readonly string[] Names =
        ["Lion", "Lion-groups", "AdamW", "AdamW-amsgrad", "SGD", "SGD-momentum", "SGD-nesterov", "Lookahead(Lion)", "Lookahead(AdamW)", "Lookahead(SGD)", "SignSGD (custom)"];

    public static Optimizer Create(string name, IReadOnlyList<Tensor> ps) => name switch
    {
        "Lion" => new LionOptimizer(ps, new LionOptions { LearningRate = 3e-3, WeightDecay = 0.1 }),
        "Lion-groups" => new LionOptimizer([new ParamGroup(ps.Take(1)), new ParamGroup(ps.Skip(1), new LionOptions { WeightDecay = 0, Beta1 = 0.95, Beta2 = 0.98 })],
            new LionOptions { LearningRate = 3e-3, WeightDecay = 0.1 }),
        "AdamW" => new AdamWOptimizer(ps, new AdamWOptions { LearningRate = 1e-2 }),
        "AdamW-amsgrad" => new AdamWOptimizer(ps, new AdamWOptions { LearningRate = 1e-2, AmsGrad = true }),
        "SGD" => new SgdOptimizer(ps, new SgdOptions { LearningRate = 0.05 }),
        "SGD-momentum" => new SgdOptimizer(ps, new SgdOptions { LearningRate = 0.02, Momentum = 0.9, Dampening = 0.1, WeightDecay = 1e-3 }),
        "SGD-nesterov" => new SgdOptimizer(ps, new SgdOptions { LearningRate = 0.02, Momentum = 0.9, Nesterov = true, WeightDecay = 5e-4 }),
        "Lookahead(Lion)" => new Lookahead(Create("Lion", ps), k: 5, alpha: 0.5),
        "Lookahead(AdamW)" => new Lookahead(Create("AdamW", ps), k: 3, alpha: 0.8),
        "Lookahead(SGD)" => new Lookahead(Create("SGD-nesterov", ps), k: 4, alpha: 0.5),
        "SignSGD (custom)" => new SignSgd(ps, 1e-2),
        _ => throw new ArgumentException(name),
    };
}
