using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class NonFiniteGradientTests
{
    public static IEnumerable<object[]> Cases =>
        from name in new[] { "Lion", "AdamW", "SGD-momentum", "Lookahead(Lion)", "SignSGD (custom)" }
        from bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }
        from tensorOps in new[] { false, true }
        select new object[] { name, bad, tensorOps };

    /// <summary>The built-in optimizers, each on its fused path, with and without Lookahead.</summary>
    public static IEnumerable<object[]> BuiltIn =>
        from name in Optimizers.Names.Where(n => n != "SignSGD (custom)")
        from threads in new[] { 1, 2 }
        select new object[] { name, threads };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void NonFiniteGradient_ThrowThenSkip(string name, float bad, bool tensorOps)
    {
        var ps = Drive.Parameters(21, [5], [200_001]);
        try
        {
            using var opt = Optimizers.Create(name, ps);
            opt.ForceTensorOps = tensorOps;
            Drive.Steps(opt, ps, 1, 3);
            var before = Snapshot(opt, ps);
            SetGradients(ps, (1, 123_457, bad));

            var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
            Assert.AreEqual(1, e.ParameterIndex);
            Assert.AreEqual(0, e.GroupIndex);
            StringAssert.Contains(e.Message, "parameter 1");
            Assert.AreEqual(3, opt.StepCount);
            AssertAllFinite(opt, ps);
            // Pre-checked (tensor ops, or an optimizer derived outside the library): nothing changed. Checked in
            // the fused kernels: the step may be partially applied, and the exception says so.
            var prechecked = tensorOps || name == "SignSGD (custom)";
            Assert.AreEqual(!prechecked, e.MayBePartiallyApplied);
            if (prechecked) CollectionAssert.AreEqual(before, Snapshot(opt, ps), "Throw changed state");

            opt.NonFiniteGradients = NonFiniteGradientPolicy.SkipStep;
            before = Snapshot(opt, ps);
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
    [DynamicData(nameof(BuiltIn))]
    public void Throw_NaNNearTheEndOfALargeGradient_NamesIt_AndWritesNoNonFinite(string name, int threads)
    {
        // 200k elements: four chunks of the fused loop; the NaN sits in the last one, after most of the step ran.
        var ps = Drive.Parameters(22, [5], [200_000], [3000]);
        try
        {
            using var opt = Optimizers.Create(name, ps);
            opt.MaxThreads = threads;
            Drive.Steps(opt, ps, 1, 3);
            var slow = (opt as Lookahead)?.SlowWeights.Select(t => t.ToArray<float>()).ToArray();
            var sinceSync = (opt as Lookahead)?.StepsSinceSync;
            SetGradients(ps, (1, 199_990, float.NaN));

            var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
            Assert.AreEqual(1, e.ParameterIndex);
            Assert.IsTrue(e.MayBePartiallyApplied);
            StringAssert.Contains(e.Message, "partially applied");
            AssertAllFinite(opt, ps);
            Assert.AreEqual(3, opt.StepCount, "a rejected step is not counted");
            if (opt is Lookahead la)
            {
                Assert.AreEqual(3, la.InnerOptimizer.StepCount);
                Assert.AreEqual(sinceSync, la.StepsSinceSync, "a rejected step does not advance Lookahead's counter");
                for (var i = 0; i < ps.Length; i++)
                    TestUtil.AssertBitEqual(slow![i], la.SlowWeights[i].ToArray<float>(), $"slow weights {i} (no sync)");
            }

            Drive.Steps(opt, ps, 5, 9);
            Assert.AreEqual(8, opt.StepCount);
            AssertAllFinite(opt, ps);
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    [DynamicData(nameof(BuiltIn))]
    public void SkipStep_LeavesEverythingBitIdentical(string name, int threads)
    {
        var ps = Drive.Parameters(23, [5], [200_000], [3000]);
        try
        {
            using var opt = Optimizers.Create(name, ps);
            opt.MaxThreads = threads;
            opt.NonFiniteGradients = NonFiniteGradientPolicy.SkipStep;
            Drive.Steps(opt, ps, 1, 3);
            var before = Snapshot(opt, ps);
            SetGradients(ps, (1, 199_990, float.PositiveInfinity));

            Assert.IsFalse(opt.Step());
            Assert.AreEqual(1, opt.SkippedSteps);
            Assert.AreEqual(3, opt.StepCount);
            // Weights and the whole state dict but the skip counter: bit-identical.
            CollectionAssert.AreEqual(before, Snapshot(opt, ps), "SkipStep changed state");
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void Throw_NamesTheLowestIndex_WhenSeveralGradientsAreBad()
    {
        // Fused kernels only: the later parameter's NaN is near its start, the earlier's near its end, so that
        // (with two threads) the later one is usually found first; the lower index must still be named.
        var ps = Drive.Parameters(24, [100], [300_000], [300_000]);
        try
        {
            using var opt = new LionOptimizer(ps, new LionOptions { WeightDecay = 0.1 }) { MaxThreads = 2 };
            Drive.Steps(opt, ps, 1, 2);
            SetGradients(ps, (1, 299_999, float.NaN), (2, 3, float.NegativeInfinity));
            var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
            Assert.AreEqual(1, e.ParameterIndex);
            AssertAllFinite(opt, ps);
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void Throw_PreCheckedTensorOpGradient_StillNamesALowerFusedOne_AndChangesNothing()
    {
        // Parameter 2 is float64 (tensor-op path, checked before the step): its bad gradient stops the step
        // before anything changes; parameter 1 (fused, float32) is bad too and has the lower index.
        var ps = Drive.Parameters(25, [100], [70_000]);
        using var p64 = TestUtil.Param(TestUtil.RandomArray(new Random(1), 50)).To(ScalarType.Float64);
        p64.RequiresGrad = true;
        try
        {
            using var opt = new LionOptimizer([ps[0], ps[1], p64], new LionOptions { WeightDecay = 0.1 });
            var all = new[] { ps[0], ps[1], p64 };
            SetGradients(ps, (1, 69_999, float.NaN));
            using (var g = TestUtil.T(Enumerable.Repeat(float.PositiveInfinity, 50).ToArray()).To(ScalarType.Float64)) p64.Grad = g;
            var before = all.Select(p => p.To(ScalarType.Float32).ToArray<float>()).ToArray();
            var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
            Assert.AreEqual(1, e.ParameterIndex);
            Assert.IsFalse(e.MayBePartiallyApplied);
            StringAssert.Contains(e.Message, "No weight or optimizer state changed");
            for (var i = 0; i < all.Length; i++)
                TestUtil.AssertBitEqual(before[i], all[i].To(ScalarType.Float32).ToArray<float>(), $"param {i}");
            Assert.IsTrue(Enumerable.Range(0, 3).All(i => opt.StateAt(i).IsEmpty));
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void Throw_FusableGradientWithUnfusableState_IsCheckedBeforeItsTensorOps()
    {
        // A float64 momentum on a float32 parameter sends that parameter to the tensor ops although its gradient
        // was left to the in-kernel check: it must be checked there, and neither it nor anything after is written.
        var ps = Drive.Parameters(26, [100], [1000]);
        try
        {
            using var opt = new LionOptimizer(ps, new LionOptions { WeightDecay = 0.1 });
            Drive.Steps(opt, ps, 1, 2);
            opt.StateAt(0).SetTensor("exp_avg", opt.StateAt(0).Tensor("exp_avg").To(ScalarType.Float64));
            var before = ps.Select(p => p.ToArray<float>()).ToArray();
            SetGradients(ps, (0, 50, float.NaN));
            var e = Assert.ThrowsExactly<NonFiniteGradientException>(() => opt.Step());
            Assert.AreEqual(0, e.ParameterIndex);
            for (var i = 0; i < ps.Length; i++)
                TestUtil.AssertBitEqual(before[i], ps[i].ToArray<float>(), $"param {i}");
            AssertAllFinite(opt, ps);
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

    /// <summary>Deterministic gradients for every parameter (step 4 of seed 7), with the given values planted.</summary>
    private static void SetGradients(Tensor[] ps, params (int Param, int At, float Value)[] planted)
    {
        for (var i = 0; i < ps.Length; i++)
        {
            var g = Drive.Gradient(7, 4, i, (int)ps[i].NumberOfElements);
            foreach (var (param, at, value) in planted)
                if (param == i) g[at] = value;
            TestUtil.SetGrad(ps[i], g);
        }
    }

    /// <summary>Every weight and every state tensor (a wrapper's and its inner optimizer's) is finite.</summary>
    private static void AssertAllFinite(Optimizer opt, Tensor[] ps)
    {
        for (var i = 0; i < ps.Length; i++) Assert.IsTrue(ps[i].AllFinite(), $"weights of parameter {i}");
        for (var o = opt; o is not null; o = (o as Lookahead)?.InnerOptimizer)
            for (var i = 0; i < ps.Length; i++)
                foreach (var (key, t) in o.StateAt(i).Tensors)
                    Assert.IsTrue(t.AllFinite(), $"{o.TypeName} state '{key}' of parameter {i}");
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
