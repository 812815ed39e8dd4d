using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class FusedPathTests
{
    // Sizes that cross SIMD tails, the chunk size (65536) and the threading threshold.
    private static readonly long[][] Shapes = [[1], [7], [33], [1031], [2, 3, 5], [300_007], [65_536]];

    public static IEnumerable<object[]> AllOptimizers => Optimizers.Names.Select(n => new object[] { n });

    [TestMethod]
    [DynamicData(nameof(AllOptimizers))]
    public void FusedPath_EqualsTensorOpPath_BitForBit(string name)
    {
        var fusedParams = Drive.Parameters(11, Shapes);
        var tensorParams = Drive.Copy(fusedParams);
        try
        {
            using var fused = Optimizers.Create(name, fusedParams);
            using var tensorOps = Optimizers.Create(name, tensorParams);
            tensorOps.ForceTensorOps = true;
            Drive.Steps(fused, fusedParams, 1, 12);
            Drive.Steps(tensorOps, tensorParams, 1, 12);
            for (var i = 0; i < Shapes.Length; i++)
                TestUtil.AssertBitEqual(tensorParams[i].ToArray<float>(), fusedParams[i].ToArray<float>(), $"{name} param {i}");
            using var a = new MemoryStream();
            using var b = new MemoryStream();
            fused.SaveStateDict(a);
            tensorOps.SaveStateDict(b);
            CollectionAssert.AreEqual(b.ToArray(), a.ToArray(), $"{name}: the optimizer states differ");
            if (name != "SignSGD (custom)")
            {
                var inner = (fused as Lookahead)?.InnerOptimizer ?? fused;
                Assert.IsTrue(inner.FusedParameterCount > 0, "the fused kernels ran");
                Assert.AreEqual(0, ((tensorOps as Lookahead)?.InnerOptimizer ?? tensorOps).FusedParameterCount, "ForceTensorOps kept them off");
            }
        }
        finally
        {
            Drive.Dispose(fusedParams);
            Drive.Dispose(tensorParams);
        }
    }

    [TestMethod]
    public void ThreadCount_DoesNotChangeResults()
    {
        var one = Drive.Parameters(12, [1_000_003]);
        var two = Drive.Copy(one);
        try
        {
            using var a = new LionOptimizer(one, new LionOptions { WeightDecay = 0.1 }) { MaxThreads = 1 };
            using var b = new LionOptimizer(two, new LionOptions { WeightDecay = 0.1 }) { MaxThreads = 4 };
            Drive.Steps(a, one, 1, 3);
            Drive.Steps(b, two, 1, 3);
            TestUtil.AssertBitEqual(one[0].ToArray<float>(), two[0].ToArray<float>(), "params");
        }
        finally
        {
            Drive.Dispose(one);
            Drive.Dispose(two);
        }
    }

    [TestMethod]
    public void NonContiguousParameter_TakesTensorOpPath_WithSameNumbers()
    {
        // A transposed view is not contiguous: the optimizer must fall back to tensor ops on it.
        using var baseTensor = Tensor.From<float>(new ReadOnlySpan<float>(TestUtil.RandomArray(new Random(3), 12)), [3, 4]);
        using var contiguous = TestUtil.Param(baseTensor.ToArray<float>(), 3, 4);
        var g = TestUtil.RandomArray(new Random(4), 12);
        using var lion1 = new LionOptimizer([contiguous], new LionOptions { LearningRate = 1e-2, WeightDecay = 0.5 });
        TestUtil.SetGrad(contiguous, g);
        lion1.Step();
        Assert.AreEqual(1, lion1.FusedParameterCount);

        using var p64 = TestUtil.Param(baseTensor.ToArray<float>(), 3, 4);
        using var asDouble = p64.To(ScalarType.Float64);
        asDouble.RequiresGrad = true;
        using (var gd = TestUtil.T(g, 3, 4).To(ScalarType.Float64)) asDouble.Grad = gd;
        using var lion2 = new LionOptimizer([asDouble], new LionOptions { LearningRate = 1e-2, WeightDecay = 0.5 });
        lion2.Step();
        Assert.AreEqual(0, lion2.FusedParameterCount, "float64 takes the tensor-op path");
        Assert.AreEqual(ScalarType.Float64, lion2.StateAt(0).Tensor("exp_avg").Dtype);
        var f = contiguous.ToArray<float>();
        var d = asDouble.ToArray<double>();
        for (var i = 0; i < 12; i++) Assert.AreEqual(f[i], d[i], 1e-6);
    }
}
