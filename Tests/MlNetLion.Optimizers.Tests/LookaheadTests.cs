using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class LookaheadTests
{
    public static IEnumerable<object[]> Inner => new[] { "Lion", "AdamW", "SGD-nesterov" }.Select(n => new object[] { n });

    [TestMethod]
    [DynamicData(nameof(Inner))]
    public void K1Alpha1_EqualsInnerOptimizer(string inner)
    {
        var a = Drive.Parameters(31, [9], [100_000]);
        var b = Drive.Copy(a);
        try
        {
            using var plain = Optimizers.Create(inner, a);
            using var wrapped = new Lookahead(Optimizers.Create(inner, b), k: 1, alpha: 1);
            Drive.Steps(plain, a, 1, 9);
            Drive.Steps(wrapped, b, 1, 9);
            for (var i = 0; i < a.Length; i++) TestUtil.AssertBitEqual(a[i].ToArray<float>(), b[i].ToArray<float>(), $"param {i}");
        }
        finally
        {
            Drive.Dispose(a);
            Drive.Dispose(b);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Inner))]
    public void Alpha0_ResetsWeightsToStart_AtEverySync(string inner)
    {
        foreach (var tensorOps in new[] { false, true })
        {
            var ps = Drive.Parameters(32, [9], [100_000]);
            try
            {
                var start = ps.Select(p => p.ToArray<float>()).ToArray();
                using var look = new Lookahead(Optimizers.Create(inner, ps), k: 3, alpha: 0) { ForceTensorOps = tensorOps };
                Drive.Steps(look, ps, 1, 2);
                Assert.IsFalse(ps[0].ToArray<float>().SequenceEqual(start[0]), "the fast weights moved");
                Drive.Steps(look, ps, 3, 3);
                for (var i = 0; i < ps.Length; i++) CollectionAssert.AreEqual(start[i], ps[i].ToArray<float>(), $"param {i} after sync 1");
                Drive.Steps(look, ps, 4, 6);
                for (var i = 0; i < ps.Length; i++) CollectionAssert.AreEqual(start[i], ps[i].ToArray<float>(), $"param {i} after sync 2");
            }
            finally
            {
                Drive.Dispose(ps);
            }
        }
    }

    [TestMethod]
    public void Sync_InterpolatesSlowWeights_AndLeavesInnerStateAlone()
    {
        using var p = TestUtil.Param([0f]);
        using var look = new Lookahead(new SgdOptimizer([p], new SgdOptions { LearningRate = 1, Momentum = 0.5 }), k: 2, alpha: 0.5);
        Assert.AreEqual(5, new Lookahead(new SgdOptimizer([TestUtil.Param([0f])])).K, "default k");
        Assert.AreEqual(0.5, new Lookahead(new SgdOptimizer([TestUtil.Param([0f])])).Alpha, "default alpha (the paper's)");
        TestUtil.SetGrad(p, [-1f]);
        look.Step();                                       // b = -1, θ = 1
        Assert.AreEqual(1, look.StepsSinceSync);
        look.Step();                                       // b = -1.5, θ = 2.5; sync: φ = 0 + 0.5·2.5
        Assert.AreEqual(0, look.StepsSinceSync);
        Assert.AreEqual(1.25f, p.ToArray<float>()[0]);
        Assert.AreEqual(1.25f, look.SlowWeights[0].ToArray<float>()[0]);
        Assert.AreEqual(-1.5f, look.InnerOptimizer.StateAt(0).Tensor("momentum_buffer").ToArray<float>()[0], "inner state untouched");
    }

    [TestMethod]
    public void UseSlowWeights_SwapsInAndBack()
    {
        using var p = TestUtil.Param([1f, 2f]);
        using var look = new Lookahead(new LionOptimizer([p], learningRate: 0.1), k: 5);
        Drive.Steps(look, [p], 1, 2);
        var fast = p.ToArray<float>();
        using (look.UseSlowWeights())
            CollectionAssert.AreEqual(new[] { 1f, 2f }, p.ToArray<float>(), "slow weights inside the scope");
        CollectionAssert.AreEqual(fast, p.ToArray<float>(), "fast weights restored");
    }

    [TestMethod]
    public void ExposesInnerGroups_SoSchedulesDriveTheInnerOptimizer()
    {
        using var p = TestUtil.Param([1f]);
        var lion = new LionOptimizer([p], learningRate: 1e-3);
        using var look = new Lookahead(lion);
        Assert.AreSame(lion.ParamGroups[0], look.ParamGroups[0]);
        var schedule = new LinearWarmupSchedule(look, warmupSteps: 4);
        Assert.AreEqual(2.5e-4, lion.ParamGroups[0].LearningRate, 1e-15);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Lookahead(new LionOptimizer([TestUtil.Param([1f])]), k: 0));
        StringAssert.Contains(e.Message, "k (steps between syncs) must be >= 1");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Lookahead(new LionOptimizer([TestUtil.Param([1f])]), alpha: 1.5));
    }
}
