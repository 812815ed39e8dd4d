namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class AutogradTests
{
    [TestMethod]
    public void Backward_GivesAnalyticGradient()
    {
        // y = sum(x^2 * 3 + x)  =>  dy/dx = 6x + 1
        using var x = Tensor.From(new[] { 1f, -2f, 0.5f });
        x.RequiresGrad = true;
        Assert.IsTrue(x.IsLeaf);
        using var sq = x.Square();
        using var scaled = sq * 3;
        using var plus = scaled + x;
        Assert.IsFalse(plus.IsLeaf);
        using var y = plus.Sum();
        y.Backward();
        using var g = x.Grad!;
        CollectionAssert.AreEqual(new[] { 7f, -11f, 4f }, g.ToArray<float>());
    }

    [TestMethod]
    public void Grad_AccumulatesAcrossBackwardCalls_UntilZeroed()
    {
        using var x = Tensor.From(new[] { 2f }, [1], requiresGrad: true);
        Assert.IsNull(x.Grad);
        for (var i = 0; i < 2; i++)
        {
            using var y = (x * 3).Sum();
            y.Backward();
        }
        using (var g = x.Grad!) Assert.AreEqual(6f, g.ToArray<float>()[0]);
        x.ZeroGrad();
        using (var g = x.Grad!) Assert.AreEqual(0f, g.ToArray<float>()[0]);
    }

    [TestMethod]
    public void Grad_CanBeSetAndRemoved_AndSharesStorage()
    {
        using var x = Tensor.Zeros([2], requiresGrad: true);
        using var g = Tensor.From(new[] { 0.5f, -1f });
        x.Grad = g;
        using (var read = x.Grad!)
        {
            CollectionAssert.AreEqual(new[] { 0.5f, -1f }, read.ToArray<float>());
            read.Mul_(2);
        }
        using (var again = x.Grad!) CollectionAssert.AreEqual(new[] { 1f, -2f }, again.ToArray<float>());
        x.Grad = null;
        Assert.IsNull(x.Grad);
        using var wrong = Tensor.Zeros([3]);
        var e = Assert.ThrowsExactly<TorchException>(() => x.Grad = wrong);
        StringAssert.Contains(e.Message, "shape");
    }

    [TestMethod]
    public void NoGrad_StopsRecording_AndRestoresPreviousMode()
    {
        using var x = Tensor.Ones([2], requiresGrad: true);
        Assert.IsTrue(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.IsFalse(Torch.IsGradEnabled);
            using var y = x * 2;
            Assert.IsFalse(y.RequiresGrad);
            x.Mul_(3); // in-place on a leaf is allowed under no-grad
            using (Torch.EnableGrad())
            {
                using var z = x * 2;
                Assert.IsTrue(z.RequiresGrad);
            }
            Assert.IsFalse(Torch.IsGradEnabled);
        }
        Assert.IsTrue(Torch.IsGradEnabled);
        CollectionAssert.AreEqual(new[] { 3f, 3f }, x.ToArray<float>());
    }

    [TestMethod]
    public void InPlaceOnLeafThatRequiresGrad_OutsideNoGrad_IsLibtorchError()
    {
        using var x = Tensor.Ones([2], requiresGrad: true);
        var e = Assert.ThrowsExactly<TorchException>(() => x.Mul_(2));
        StringAssert.Contains(e.Message, "leaf Variable that requires grad");
    }

    [TestMethod]
    public void Detach_CutsTheGraph()
    {
        using var x = Tensor.Ones([2], requiresGrad: true);
        using var d = x.Detach();
        Assert.IsFalse(d.RequiresGrad);
    }
}
