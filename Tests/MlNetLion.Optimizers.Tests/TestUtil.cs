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
