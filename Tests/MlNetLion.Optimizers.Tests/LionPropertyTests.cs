using FsCheck;
using FsCheck.Fluent;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class LionPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(60);

    private static Gen<float[]> Floats(int n, float scale) =>
        Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1_000_000f * scale).ArrayOf(n);

    /// <summary>
    /// One Lion step on random weights w, momenta m and gradients g moves every weight by exactly
    /// lr·sign(c) plus the decay lr·wd·w (c = β1·m + (1 − β1)·g), so |Δw| ≤ lr·(1 + wd·|w|): checked
    /// exactly against the float32 rule, and against the bound, on both paths.
    /// </summary>
    [TestMethod]
    public void OneStep_MovesEachWeight_ByLrTimesSignPlusDecay()
    {
        var gen =
            from n in Gen.Choose(1, 40)
            from w in Floats(n, 10)
            from g in Floats(n, 1)
            from g0 in Floats(n, 1)
            from lrExp in Gen.Choose(1, 5)
            from wd in Gen.Elements(0.0, 0.01, 0.1, 1.0)
            from tensorOps in Gen.Elements(false, true)
            select (w, g, g0, lr: Math.Pow(10, -lrExp), wd, tensorOps);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            using var p = TestUtil.Param(c.w);
            using var opt = new LionOptimizer([p], new LionOptions { LearningRate = c.lr, WeightDecay = c.wd }) { ForceTensorOps = c.tensorOps };
            // A first step builds a non-zero momentum m = (1 − β2)·g0.
            TestUtil.SetGrad(p, c.g0);
            opt.Step();
            var w = p.ToArray<float>();
            var m = opt.StateAt(0).Tensor("exp_avg").ToArray<float>();
            TestUtil.SetGrad(p, c.g);
            opt.Step();
            var after = p.ToArray<float>();
            for (var i = 0; i < w.Length; i++)
            {
                var cc = m[i] * 0.9f + c.g[i] * (float)(1 - 0.9);
                var sign = cc > 0 ? 1f : cc < 0 ? -1f : 0f;
                var expected = MathF.FusedMultiplyAdd(sign, (float)-c.lr, w[i] * (float)(1 - c.lr * c.wd));
                if (BitConverter.SingleToInt32Bits(after[i]) != BitConverter.SingleToInt32Bits(expected)) throw new InvalidOperationException($"exact: [{i}] {after[i]:R} vs {expected:R}");
                var bound = c.lr * (1 + c.wd * Math.Abs(w[i])) + 4 * (Math.Abs(w[i]) + c.lr) * 1.2e-7; // plus the roundings of lr and of two products
                if (Math.Abs(after[i] - (double)w[i]) > bound) throw new InvalidOperationException($"bound: [{i}] moved {after[i] - (double)w[i]:R}, bound {bound:R}");
            }
            return true;
        }).Check(Quick);
    }

    /// <summary>Without weight decay, each weight moves by exactly lr, or not at all where c = 0 (up to one rounding).</summary>
    [TestMethod]
    public void WithoutDecay_EveryMove_IsLrOrZero()
    {
        var gen = from n in Gen.Choose(1, 64) from g in Floats(n, 1) select g;
        Prop.ForAll(gen.ToArbitrary(), g =>
        {
            var w = g.Select((_, i) => (float)(i % 5 - 2)).ToArray(); // small integers: w ± lr is exact enough
            using var p = TestUtil.Param(w);
            using var opt = new LionOptimizer([p], learningRate: 0.25);
            TestUtil.SetGrad(p, g);
            opt.Step();
            var after = p.ToArray<float>();
            return after.Select((a, i) => a - w[i]).Zip(g).All(t => t.First == (t.Second > 0 ? -0.25f : t.Second < 0 ? 0.25f : 0f));
        }).Check(Quick);
    }

    /// <summary>Where c is ±0 the weight keeps its bits, −0 included, on both paths; elsewhere it moves by ±lr.</summary>
    [TestMethod]
    public void SignedZeros_AndZeroDirection_AreBitExact()
    {
        // 40 values: the vector loop (two vectors at a time, then one) and the scalar tail.
        var w = Enumerable.Range(0, 40).Select(i => (i % 4) switch { 0 => 0f, 1 => -0f, 2 => 1.5f, _ => -1.5f }).ToArray();
        var g = Enumerable.Range(0, 40).Select(i => (i / 4 % 4) switch { 0 => 0f, 1 => -0f, 2 => 0.5f, _ => -0.5f }).ToArray();
        foreach (var tensorOps in new[] { false, true })
        {
            using var p = TestUtil.Param(w);
            using var opt = new LionOptimizer([p], learningRate: 0.25) { ForceTensorOps = tensorOps };
            TestUtil.SetGrad(p, g);
            opt.Step();
            var expected = w.Select((x, i) => g[i] > 0 ? x - 0.25f : g[i] < 0 ? x + 0.25f : x).ToArray();
            TestUtil.AssertBitEqual(expected, p.ToArray<float>(), tensorOps ? "tensor ops" : "fused");
        }
    }

    [TestMethod]
    public void ParametersWithoutGradient_AreSkipped_AndZeroGradientsAreNot()
    {
        using var a = TestUtil.Param([1f, -2f]);
        using var b = TestUtil.Param([3f, 4f]);
        using var opt = new LionOptimizer([a, b], new LionOptions { LearningRate = 0.1, WeightDecay = 0.5 });
        TestUtil.SetGrad(a, [0f, 0f]);
        opt.Step();
        CollectionAssert.AreEqual(new[] { 1f * 0.95f, -2f * 0.95f }, a.ToArray<float>(), "a zero gradient still decays");
        CollectionAssert.AreEqual(new[] { 3f, 4f }, b.ToArray<float>(), "no gradient: no decay, no state");
        Assert.IsTrue(opt.StateAt(1).IsEmpty);
        Assert.AreEqual(1, opt.StateAt(0).Tensors.Count, "Lion keeps exp_avg and nothing else");
        Assert.AreEqual(0, opt.StateAt(0).Scalars.Count, "Lion has no step counter");
    }

    [TestMethod]
    public void Defaults_AreThePapers()
    {
        var o = new LionOptions();
        Assert.AreEqual(1e-4, o.LearningRate);
        Assert.AreEqual(0.9, o.Beta1);
        Assert.AreEqual(0.99, o.Beta2);
        Assert.AreEqual(0.0, o.WeightDecay);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => o.Beta1 = 1.0);
        StringAssert.Contains(e.Message, "beta1 must be in [0, 1), got 1");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => o.LearningRate = -1);
        StringAssert.Contains(e.Message, "learning rate must be finite and >= 0, got -1");
    }
}
