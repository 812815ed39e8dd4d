using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class NonFiniteGradientTests
{
    public static IEnumerable<object[]> Cases =>
        from name in new[] { "Lion", "AdamW", "SGD-momentum", "Lookahead(Lion)" }
        from bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }
        from tensorOps in new[] { false, true }
        select new object[] { name, bad, tensorOps };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void NonFiniteGradient_ThrowOrSkip_ChangesNothing(string name, float bad, bool tensorOps)
    {
        var ps = Drive.Parameters(21, [5], [200_001]);
        try
        {
            using var opt = Optimizers.Create(name, ps);
            opt.ForceTensorOps = tensorOps;
            Drive.Steps(opt, ps, 1, 3);
            var before = Snapshot(opt, ps);
            var g = Drive.Gradient(7, 4, 1, 200_001);
            g[123_457] = bad;
            TestUtil.SetGrad(ps[0], Drive.Gradient(7, 4, 0, 5));
            TestUtil.SetGrad(ps[1], g);

            var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
            Assert.AreEqual(1, e.ParameterIndex);
            Assert.AreEqual(0, e.GroupIndex);
            StringAssert.Contains(e.Message, "parameter 1");
            CollectionAssert.AreEqual(before, Snapshot(opt, ps), "Throw changed state");

            opt.NonFiniteGradients = NonFiniteGradientPolicy.SkipStep;
            Assert.IsFalse(opt.Step());
            Assert.AreEqual(1, opt.SkippedSteps);
            CollectionAssert.AreEqual(before, Snapshot(opt, ps), "SkipStep changed state");

            // The next good step proceeds normally.
            Drive.Steps(opt, ps, 5, 5);
            Assert.AreEqual(4, opt.StepCount);
            Assert.IsTrue(ps.All(p => p.AllFinite()));
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void Exception_NamesTheParameterAndGroup()
    {
        using var module = Module.Sequential(Layer.Linear(2, 2), Layer.Linear(2, 1));
        var named = module.NamedParameters;
        using var opt = new LionOptimizer([new ParamGroup(named.Take(2)), new ParamGroup(named.Skip(2), new LionOptions { WeightDecay = 0 })]);
        foreach (var p in named) TestUtil.SetGrad(p.Tensor, new float[p.Tensor.NumberOfElements]);
        TestUtil.SetGrad(named[3].Tensor, [float.NaN]);
        var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
        Assert.AreEqual(3, e.ParameterIndex);
        Assert.AreEqual(1, e.GroupIndex);
        Assert.AreEqual("1.bias", e.ParameterName);
        StringAssert.Contains(e.Message, "parameter 3 '1.bias' (group 1, shape [1])");
        StringAssert.Contains(e.Message, "SkipStep");
    }

    private static OptimizerStateDict WithoutSkipCount(OptimizerStateDict d) =>
        d with { SkippedSteps = 0, Inner = d.Inner is null ? null : WithoutSkipCount(d.Inner) };

    private static byte[] Snapshot(Optimizer opt, Tensor[] ps)
    {
        using var ms = new MemoryStream();
        WithoutSkipCount(opt.StateDict()).Save(ms);
        foreach (var p in ps)
            ms.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes<float>(p.ToArray<float>()));
        return ms.ToArray();
    }
}
