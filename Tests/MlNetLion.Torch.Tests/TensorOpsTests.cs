namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class TensorOpsTests
{
    private static Tensor T(params float[] v) => Tensor.From(v);

    [TestMethod]
    public void Mul_ScalarAndTensor_InPlace()
    {
        using var a = T(1, -2, 3);
        using var b = T(2, 2, -1);
        Assert.AreSame(a, a.Mul_(0.5));
        CollectionAssert.AreEqual(new[] { 0.5f, -1f, 1.5f }, a.ToArray<float>());
        a.Mul_(b);
        CollectionAssert.AreEqual(new[] { 1f, -2f, -1.5f }, a.ToArray<float>());
    }

    [TestMethod]
    public void Add_WithAlpha_AndSubtract()
    {
        using var a = T(1, 2, 3);
        using var b = T(10, 20, 30);
        a.Add_(b, alpha: 0.5);
        CollectionAssert.AreEqual(new[] { 6f, 12f, 18f }, a.ToArray<float>());
        a.Sub_(b, alpha: 0.1);
        TestSupport.AssertClose([5, 10, 15], a.ToArray<float>());
        a.Add_(1.0);
        TestSupport.AssertClose([6, 11, 16], a.ToArray<float>());
    }

    [TestMethod]
    public void Addcmul_AndAddcdiv()
    {
        using var a = T(1, 1, 1);
        using var x = T(2, 3, 4);
        using var y = T(4, 6, 8);
        a.Addcmul_(x, y, value: 0.5); // 1 + 0.5*x*y = 5, 10, 17
        CollectionAssert.AreEqual(new[] { 5f, 10f, 17f }, a.ToArray<float>());
        a.Addcdiv_(y, x, value: -2); // a - 2*y/x = a - 4
        CollectionAssert.AreEqual(new[] { 1f, 6f, 13f }, a.ToArray<float>());
    }

    [TestMethod]
    public void Lerp_MovesTowardEnd()
    {
        using var a = T(0, 10, -4);
        using var end = T(4, 20, 4);
        a.Lerp_(end, 0.25);
        CollectionAssert.AreEqual(new[] { 1f, 12.5f, -2f }, a.ToArray<float>());
    }

    [TestMethod]
    public void Sign_MapsBothZerosToZero()
    {
        using var a = T(-3, -0f, 0, 0.001f, float.NegativeInfinity);
        using var s = a.Sign();
        var values = s.ToArray<float>();
        CollectionAssert.AreEqual(new[] { -1f, 0f, 0f, 1f, -1f }, values);
        a.Sign_();
        CollectionAssert.AreEqual(values, a.ToArray<float>());
    }

    [TestMethod]
    public void Sqrt_Clamp_Maximum_Where()
    {
        using var a = T(4, 9, 0.25f);
        using var r = a.Sqrt();
        CollectionAssert.AreEqual(new[] { 2f, 3f, 0.5f }, r.ToArray<float>());
        a.Sqrt_();
        CollectionAssert.AreEqual(new[] { 2f, 3f, 0.5f }, a.ToArray<float>());

        using var c = T(-5, 0.5f, 5);
        using var clamped = c.Clamp(-1, 1);
        CollectionAssert.AreEqual(new[] { -1f, 0.5f, 1f }, clamped.ToArray<float>());
        using var lower = c.Clamp(min: 0);
        CollectionAssert.AreEqual(new[] { 0f, 0.5f, 5f }, lower.ToArray<float>());
        c.Clamp_(max: 0);
        CollectionAssert.AreEqual(new[] { -5f, 0f, 0f }, c.ToArray<float>());
        Assert.ThrowsExactly<TorchException>(() => c.Clamp());

        using var x = T(1, 5, 3);
        using var y = T(4, 2, 3);
        using var m = x.Maximum(y);
        CollectionAssert.AreEqual(new[] { 4f, 5f, 3f }, m.ToArray<float>());
        using var cond = x.Gt(y);
        CollectionAssert.AreEqual(new[] { false, true, false }, cond.ToArray<bool>());
        using var w = Tensor.Where(cond, x, y);
        CollectionAssert.AreEqual(new[] { 4f, 5f, 3f }, w.ToArray<float>());
        x.Maximum_(y);
        CollectionAssert.AreEqual(new[] { 4f, 5f, 3f }, x.ToArray<float>());
    }

    [TestMethod]
    public void Copy_Zero_Fill()
    {
        using var a = T(1, 2, 3);
        using var b = Tensor.From(new double[] { 7, 8, 9 });
        a.Copy_(b);
        CollectionAssert.AreEqual(new[] { 7f, 8f, 9f }, a.ToArray<float>());
        a.Zero_();
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f }, a.ToArray<float>());
        a.Fill_(-1.5);
        CollectionAssert.AreEqual(new[] { -1.5f, -1.5f, -1.5f }, a.ToArray<float>());
    }

    [TestMethod]
    public void Reductions_NormSumMeanMaxMin()
    {
        using var a = T(3, -4, 0, 12);
        using var n2 = a.Norm();
        Assert.AreEqual(13.0, n2.ToDouble(), 1e-6);
        using var n1 = a.Norm(1);
        Assert.AreEqual(19.0, n1.ToDouble(), 1e-6);
        using var s = a.Sum();
        Assert.AreEqual(11.0, s.ToDouble());
        using var mean = a.Mean();
        Assert.AreEqual(2.75, mean.ToDouble());
        using var max = a.Max();
        using var min = a.Min();
        Assert.AreEqual(12.0, max.ToDouble());
        Assert.AreEqual(-4.0, min.ToDouble());
    }

    [TestMethod]
    public void IsFinite_AndAllFinite()
    {
        using var ok = T(1, -2, 0);
        Assert.IsTrue(ok.AllFinite());
        using var bad = T(1, float.NaN, float.PositiveInfinity);
        Assert.IsFalse(bad.AllFinite());
        using var mask = bad.IsFinite();
        CollectionAssert.AreEqual(new[] { true, false, false }, mask.ToArray<bool>());
        using var ints = Tensor.From(new long[] { 1, 2 });
        Assert.IsTrue(ints.AllFinite());
    }

    [TestMethod]
    public void DimOps_ArgMaxSoftmaxSumMean()
    {
        using var a = Tensor.From(new[] { 1f, 3f, 2f, 0f, 0f, 5f }, 2, 3);
        using var am = a.ArgMax(1);
        CollectionAssert.AreEqual(new long[] { 1, 2 }, am.ToArray<long>());
        using var sm = a.Softmax(1);
        var p = sm.ToArray<float>();
        double z = Math.Exp(1) + Math.Exp(3) + Math.Exp(2);
        TestSupport.AssertClose([Math.Exp(1) / z, Math.Exp(3) / z, Math.Exp(2) / z], p.AsSpan(0, 3));
        using var lsm = a.LogSoftmax(1);
        Assert.AreEqual(Math.Log(Math.Exp(1) / z), lsm.ToArray<float>()[0], 1e-6);
        using var s0 = a.Sum(0);
        CollectionAssert.AreEqual(new[] { 1f, 3f, 7f }, s0.ToArray<float>());
        using var m1 = a.Mean(1);
        TestSupport.AssertClose([2, 5 / 3.0], m1.ToArray<float>());
    }

    [TestMethod]
    public void OutOfPlaceOps_AndOperators()
    {
        using var a = T(1, 2);
        using var b = T(3, 5);
        using var sum = a + b;
        using var diff = b - a;
        using var prod = a * b;
        using var quot = b / a;
        using var scaled = 2 * a;
        using var shifted = a - 1;
        using var neg = -a;
        using var mm = Tensor.From(new[] { 1f, 2f, 3f, 4f }, 2, 2).MatMul(Tensor.From(new[] { 1f, 1f }, 2, 1));
        CollectionAssert.AreEqual(new[] { 4f, 7f }, sum.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 2f, 3f }, diff.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3f, 10f }, prod.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3f, 2.5f }, quot.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 2f, 4f }, scaled.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 0f, 1f }, shifted.ToArray<float>());
        CollectionAssert.AreEqual(new[] { -1f, -2f }, neg.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 3f, 7f }, mm.ToArray<float>());
        using var sq = a.Square();
        using var ex = Tensor.From(new[] { 0f }).Exp();
        using var tanh = Tensor.From(new[] { 0f }).Tanh();
        using var sig = Tensor.From(new[] { 0f }).Sigmoid();
        using var relu = Tensor.From(new[] { -1f, 2f }).Relu();
        using var pow = a.Pow(3);
        CollectionAssert.AreEqual(new[] { 1f, 4f }, sq.ToArray<float>());
        Assert.AreEqual(1.0, ex.ToDouble());
        Assert.AreEqual(0.0, tanh.ToDouble());
        Assert.AreEqual(0.5, sig.ToDouble());
        CollectionAssert.AreEqual(new[] { 0f, 2f }, relu.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 1f, 8f }, pow.ToArray<float>());
    }

    [TestMethod]
    public void CrossEntropy_MatchesHandComputation()
    {
        // loss_i = logsumexp(logits_i) - logits_i[y_i]
        using var logits = Tensor.From(new[] { 2f, 0f, 0f, 0f, 0f, 3f }, 2, 3);
        using var targets = Tensor.From(new long[] { 0, 1 });
        double l0 = Math.Log(Math.Exp(2) + 2) - 2;
        double l1 = Math.Log(2 + Math.Exp(3)) - 0;
        using var mean = Functional.CrossEntropy(logits, targets);
        Assert.AreEqual((l0 + l1) / 2, mean.ToDouble(), 1e-6);
        using var sum = Functional.CrossEntropy(logits, targets, LossReduction.Sum);
        Assert.AreEqual(l0 + l1, sum.ToDouble(), 1e-6);
        using var none = Functional.CrossEntropy(logits, targets, LossReduction.None);
        TestSupport.AssertClose([l0, l1], none.ToArray<float>());
    }

    [TestMethod]
    public void CrossEntropy_LabelSmoothing_MixesTheTargetWithTheUniformDistribution()
    {
        // loss_i = (1 - ε)·(lse_i - z_i[y_i]) + ε · mean_k (lse_i - z_i[k]), as PyTorch's label_smoothing defines it
        using var logits = Tensor.From(new[] { 2f, 0f, -1f, 0.5f, 0f, 3f }, 2, 3);
        using var targets = Tensor.From(new long[] { 0, 2 });
        const double eps = 0.1;
        double[][] z = [[2, 0, -1], [0.5, 0, 3]];
        long[] y = [0, 2];
        var expected = z.Select((row, i) =>
        {
            var lse = Math.Log(row.Sum(Math.Exp));
            return (1 - eps) * (lse - row[y[i]]) + eps * row.Average(v => lse - v);
        }).ToArray();
        using var none = Functional.CrossEntropy(logits, targets, LossReduction.None, eps);
        TestSupport.AssertClose(expected, none.ToArray<float>());
        using var mean = Functional.CrossEntropy(logits, targets, LossReduction.Mean, eps);
        Assert.AreEqual(expected.Average(), mean.ToDouble(), 1e-6);
    }
}
