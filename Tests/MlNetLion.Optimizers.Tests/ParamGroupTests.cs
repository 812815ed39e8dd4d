using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class ParamGroupTests
{
    [TestMethod]
    public void Groups_InheritDefaults_AndOverrideWhatTheySet()
    {
        using var w = TestUtil.Param([1f, 1f]);
        using var b = TestUtil.Param([1f]);
        var weights = new ParamGroup([w]);
        var biases = new ParamGroup([b], new LionOptions { WeightDecay = 0 });
        using var opt = new LionOptimizer([weights, biases], new LionOptions { LearningRate = 0.01, WeightDecay = 0.5, Beta1 = 0.8 });
        var o = (LionOptions)biases.Options;
        Assert.AreEqual(0.01, o.LearningRate, "inherited");
        Assert.AreEqual(0.8, o.Beta1, "inherited");
        Assert.AreEqual(0.0, o.WeightDecay, "overridden");
        Assert.AreEqual(0.5, ((LionOptions)weights.Options).WeightDecay);
        CollectionAssert.AreEqual(new[] { "weight_decay" }, biases.Overrides!.ExplicitNames.ToArray());

        TestUtil.SetGrad(w, [0f, 0f]);
        TestUtil.SetGrad(b, [0f]);
        opt.Step();
        CollectionAssert.AreEqual(new[] { 1f - 0.005f, 1f - 0.005f }, w.ToArray<float>(), "decayed");
        CollectionAssert.AreEqual(new[] { 1f }, b.ToArray<float>(), "the wd = 0 group is not decayed");

        biases.LearningRate = 0.5; // schedules write group options between steps
        TestUtil.SetGrad(b, [1f]);
        opt.Step();
        Assert.AreEqual(0.5f, b.ToArray<float>()[0]);
    }

    [TestMethod]
    public void BadGroups_AreRejected_WithClearMessages()
    {
        using var p = TestUtil.Param([1f]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new LionOptimizer([new ParamGroup([p], new AdamWOptions { Epsilon = 1e-6 })]));
        StringAssert.Contains(e.Message, "Parameter group 0 sets 'eps', which is not a hyperparameter of this optimizer (it has: lr, beta1, beta2, weight_decay)");

        e = Assert.ThrowsExactly<ArgumentException>(() => new LionOptimizer([new ParamGroup([p]), new ParamGroup([p])]));
        StringAssert.Contains(e.Message, "more than once");

        var used = new ParamGroup([p]);
        using (new LionOptimizer([used])) { }
        e = Assert.ThrowsExactly<ArgumentException>(() => new LionOptimizer([used]));
        StringAssert.Contains(e.Message, "already belongs to an optimizer");

        e = Assert.ThrowsExactly<ArgumentException>(() => new SgdOptimizer([p], new SgdOptions { Nesterov = true }));
        StringAssert.Contains(e.Message, "Nesterov momentum requires momentum > 0 and dampening = 0");

        var k = Assert.ThrowsExactly<KeyNotFoundException>(() => new LionOptions()["momentum"]);
        StringAssert.Contains(k.Message, "'momentum' is not a hyperparameter of LionOptions");

        Assert.ThrowsExactly<ArgumentException>(() => new LionOptimizer(Array.Empty<Tensor>()));
    }

    [TestMethod]
    public void ZeroGrad_ZeroesOrRemovesGradients()
    {
        using var p = TestUtil.Param([1f, 2f]);
        using var opt = new SgdOptimizer([p]);
        TestUtil.SetGrad(p, [3f, 4f]);
        opt.ZeroGrad();
        using (var g = p.Grad!) CollectionAssert.AreEqual(new[] { 0f, 0f }, g.ToArray<float>());
        opt.ZeroGrad(setToNone: true);
        Assert.IsNull(p.Grad);
        Assert.IsTrue(opt.Step(), "a step with no gradients is a no-op");
        CollectionAssert.AreEqual(new[] { 1f, 2f }, p.ToArray<float>());
    }
}
