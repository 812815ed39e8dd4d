using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

/// <summary>The suite every optimizer goes through, the built-in ones and a user's alike.</summary>
[TestClass]
public sealed class ConformanceTests
{
    public static IEnumerable<object[]> AllOptimizers => Optimizers.Names.Select(n => new object[] { n });

    /// <summary>Minimises f(x) = ½‖x − x*‖² from a random start: the distance shrinks below 2% of the start.</summary>
    [TestMethod]
    [DynamicData(nameof(AllOptimizers))]
    public void Quadratic_Converges(string name)
    {
        const int n = 64;
        var target = Enumerable.Range(0, n).Select(i => (float)Math.Sin(i)).ToArray();
        using var x = TestUtil.Param(TestUtil.RandomArray(new Random(71), n, 2));
        using var opt = Optimizers.Create(name, [x]);
        double Distance() => Math.Sqrt(x.ToArray<float>().Zip(target, (a, b) => (double)(a - b) * (a - b)).Sum());
        var start = Distance();
        for (var t = 0; t < 3000; t++)
        {
            var v = x.ToArray<float>();
            TestUtil.SetGrad(x, v.Select((a, i) => a - target[i]).ToArray());
            opt.Step();
        }
        Assert.IsTrue(Distance() < 0.02 * start, $"{name}: distance {Distance():G3} from {start:G3}");
    }

    /// <summary>float64 and bfloat16 parameters stay float64 and bfloat16 through steps, syncs and a state round trip.</summary>
    [TestMethod]
    [DynamicData(nameof(AllOptimizers))]
    public void DtypePreserved(string name)
    {
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.BFloat16, ScalarType.Float32 })
        {
            using var f = TestUtil.T(TestUtil.RandomArray(new Random(72), 10));
            using var p = f.To(dtype);
            p.RequiresGrad = true;
            using var opt = Optimizers.Create(name, [p]);
            for (var t = 1; t <= 6; t++)
            {
                using var g = TestUtil.T(Drive.Gradient(1, t, 0, 10)).To(dtype);
                p.Grad = g;
                opt.Step();
            }
            Assert.AreEqual(dtype, p.Dtype, $"{name} {dtype}");
            Assert.IsTrue(p.AllFinite());
            using var again = Optimizers.Create(name, [p]);
            again.LoadStateDict(opt.StateDict());
        }
    }

    /// <summary>StateDict → bytes → a fresh optimizer → StateDict gives the same bytes.</summary>
    [TestMethod]
    [DynamicData(nameof(AllOptimizers))]
    public void StateRoundTrip_IsLossless(string name)
    {
        var ps = Drive.Parameters(73, [5], [2, 3]);
        try
        {
            using var opt = Optimizers.Create(name, ps);
            Drive.Steps(opt, ps, 1, 4);
            using var a = new MemoryStream();
            opt.SaveStateDict(a);
            using var fresh = Optimizers.Create(name, ps);
            a.Position = 0;
            fresh.LoadStateDict(a);
            using var b = new MemoryStream();
            fresh.SaveStateDict(b);
            CollectionAssert.AreEqual(a.ToArray(), b.ToArray());
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }
}
