namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class ClippingTests
{
    [TestMethod]
    public void ClipGradNorm_ScalesAboveTheLimit_AndReturnsTheNorm()
    {
        foreach (var tensorOps in new[] { false, true })
        {
            using var a = TestUtil.Param([0f, 0f]);
            using var b = TestUtil.Param([0f]);
            using var none = TestUtil.Param([5f]);
            using var opt = new SgdOptimizer([a, b, none]) { ForceTensorOps = tensorOps };
            TestUtil.SetGrad(a, [3f, 4f]);
            TestUtil.SetGrad(b, [12f]);
            Assert.AreEqual(13.0, opt.ClipGradNorm(20), 1e-12, "norm over parameters with a gradient");
            using (var g = a.Grad!) CollectionAssert.AreEqual(new[] { 3f, 4f }, g.ToArray<float>(), "below the limit: untouched");

            Assert.AreEqual(13.0, opt.ClipGradNorm(6.5), 1e-12);
            var coef = 6.5 / (13 + 1e-6);
            using (var g = a.Grad!) CollectionAssert.AreEqual(new[] { (float)(3 * coef), (float)(4 * coef) }, g.ToArray<float>());
            Assert.AreEqual(6.5, opt.ClipGradNorm(100), 1e-5, "the clipped norm");
        }
    }

    [TestMethod]
    public void LargeGradients_FusedAndTensorNormsAgree()
    {
        var ps = Drive.Parameters(51, [300_001], [17]);
        try
        {
            for (var i = 0; i < ps.Length; i++) TestUtil.SetGrad(ps[i], Drive.Gradient(1, 1, i, (int)ps[i].NumberOfElements));
            var fused = GradientClipping.ClipGradNorm(ps, 1e9);
            using var opt = new LionOptimizer(ps) { ForceTensorOps = true };
            var viaTensors = opt.ClipGradNorm(1e9);
            var exact = Math.Sqrt(ps.Sum(p => { using var g = p.Grad!; return g.ToArray<float>().Sum(x => (double)x * x); }));
            Assert.AreEqual(exact, fused, exact * 1e-12);
            Assert.AreEqual(exact, viaTensors, exact * 1e-5, $"{exact} vs {viaTensors}");
            Assert.AreEqual(fused, GradientClipping.ClipGradNorm(ps, 1e9), "deterministic");
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void NonFiniteNorm_IsReturned_WithoutScaling()
    {
        using var a = TestUtil.Param([0f, 0f]);
        TestUtil.SetGrad(a, [float.PositiveInfinity, 1f]);
        Assert.IsTrue(double.IsPositiveInfinity(GradientClipping.ClipGradNorm([a], 1)));
        using (var g = a.Grad!) Assert.AreEqual(1f, g.ToArray<float>()[1]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm([a], 0));
    }
}
