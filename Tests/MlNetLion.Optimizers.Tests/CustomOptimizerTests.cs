namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class CustomOptimizerTests
{
    /// <summary>A user's optimizer (<see cref="SignSgd"/>, written on the public base only) steps, saves and
    /// restores its state, and works under Lookahead and a schedule like the built-in ones.</summary>
    [TestMethod]
    public void UserWrittenOptimizer_StepsSavesAndComposes()
    {
        using var p = TestUtil.Param([1f, -1f, 0.5f]);
        using var opt = new SignSgd([p], 0.1, momentum: 0.5);
        TestUtil.SetGrad(p, [1f, -2f, 0f]);
        opt.Step();
        var v = p.ToArray<float>();
        Assert.AreEqual(0.9f, v[0], 1e-7f);
        Assert.AreEqual(-0.9f, v[1], 1e-7f);
        Assert.AreEqual(0.5f, v[2]);
        Assert.AreEqual(1.0, opt.StateAt(0).Scalar("updates"));

        var dict = opt.StateDict();
        Assert.AreEqual("SignSgd", dict.OptimizerType);
        CollectionAssert.AreEqual(new[] { 1f, -2f, 0f }, dict.Parameters[0].State!.Tensors["momentum_buffer"].ToSingles());

        using var q = TestUtil.Param([1f, 1f]);
        using var look = new Lookahead(new SignSgd([q], 0.1), k: 2, alpha: 0.5);
        var schedule = new StepDecaySchedule(look, stepSize: 1, gamma: 0.5);
        TestUtil.SetGrad(q, [1f, 1f]);
        look.Step();
        schedule.Step();
        Assert.AreEqual(0.05, look.InnerOptimizer.ParamGroups[0].LearningRate, 1e-12);
        look.Step(); // sync: slow = 1 + 0.5·((1 − 0.1 − 0.05) − 1)
        Assert.AreEqual(0.925f, q.ToArray<float>()[0], 1e-6f);
    }
}
