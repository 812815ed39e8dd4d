using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class MixedPrecisionTests
{
    public static IEnumerable<object[]> Cases =>
        from name in new[] { "Lion", "AdamW", "SGD-momentum", "Lookahead(Lion)" }
        from dtype in new[] { ScalarType.BFloat16, ScalarType.Float16 }
        select new object[] { name, dtype };

    /// <summary>
    /// 16-bit parameters keep their dtype, their optimizer state is float32, and each step equals the float32
    /// step on the same values rounded to the parameter's dtype afterwards (state stays unrounded). Lookahead
    /// rounds the fast weights before its sync as well, so it is compared within the 16-bit precision.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void HalfPrecisionParams_KeepFloat32State_AndMatchFloat32RoundedPerStep(string name, ScalarType dtype)
    {
        var init = TestUtil.RandomArray(new Random(61), 1000);
        using var f32 = TestUtil.T(init);
        using var lowInit = f32.To(dtype);
        using var low = lowInit.Clone();
        low.RequiresGrad = true;
        using var reference = lowInit.To(ScalarType.Float32);
        reference.RequiresGrad = true;

        using var lowOpt = Optimizers.Create(name, [low]);
        using var refOpt = Optimizers.Create(name, [reference]);
        for (var t = 1; t <= 6; t++)
        {
            using var g32 = TestUtil.T(Drive.Gradient(3, t, 0, 1000));
            using var gLow = g32.To(dtype);
            low.Grad = gLow;
            using (var gRef = gLow.To(ScalarType.Float32)) reference.Grad = gRef;
            lowOpt.Step();
            refOpt.Step();
            using (MlNetLion.Torch.Torch.NoGrad())
            using (var rounded = reference.To(dtype))
                reference.Copy_(rounded);
        }
        Assert.AreEqual(dtype, low.Dtype, "the parameter keeps its dtype");
        var inner = (lowOpt as Lookahead)?.InnerOptimizer ?? lowOpt;
        foreach (var st in inner.StateAt(0).Tensors.Values) Assert.AreEqual(ScalarType.Float32, st.Dtype, "float32 optimizer state");
        if (lowOpt is Lookahead la) Assert.AreEqual(ScalarType.Float32, la.SlowWeights[0].Dtype);
        using var lowAsF32 = low.To(ScalarType.Float32);
        if (lowOpt is Lookahead)
        {
            var r = reference.ToArray<float>();
            var l = lowAsF32.ToArray<float>();
            for (var i = 0; i < r.Length; i++) Assert.AreEqual(r[i], l[i], 1e-2 * Math.Abs(r[i]) + 1e-3, $"{name} {dtype} [{i}]");
            return;
        }
        TestUtil.AssertBitEqual(reference.ToArray<float>(), lowAsF32.ToArray<float>(), $"{name} {dtype}");
        var refInner = (refOpt as Lookahead)?.InnerOptimizer ?? refOpt;
        foreach (var (key, st) in inner.StateAt(0).Tensors)
            TestUtil.AssertBitEqual(refInner.StateAt(0).Tensor(key).ToArray<float>(), st.ToArray<float>(), $"{name} {dtype} state {key}");
    }
}
