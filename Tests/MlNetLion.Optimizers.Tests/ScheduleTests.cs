namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class ScheduleTests
{
    private const double Tol = 1e-12;

    private static LionOptimizer TwoGroups(out MlNetLion.Torch.Tensor[] ps)
    {
        ps = [TestUtil.Param([1f]), TestUtil.Param([1f])];
        return new LionOptimizer([new ParamGroup([ps[0]]), new ParamGroup([ps[1]], new LionOptions { LearningRate = 0.01 })],
            new LionOptions { LearningRate = 0.1 });
    }

    /// <summary>Drives the schedule like a training loop and returns group 0's lr before each of the first n steps.</summary>
    private static double[] Trace(LearningRateSchedule s, int n)
    {
        var lrs = new double[n];
        for (var t = 0; t < n; t++)
        {
            lrs[t] = s.Optimizer.ParamGroups[0].LearningRate;
            Assert.AreEqual(lrs[t] / 10, s.Optimizer.ParamGroups[1].LearningRate, Tol, "group 1 keeps its ratio");
            s.Step();
        }
        return lrs;
    }

    private static void AreEqual(double[] expected, double[] actual)
    {
        for (var i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], Tol, $"lr before step {i + 1}");
    }

    [TestMethod]
    public void Constant()
    {
        using var opt = TwoGroups(out var ps);
        AreEqual([0.1, 0.1, 0.1], Trace(new ConstantSchedule(opt), 3));
        Drive.Dispose(ps);
    }

    [TestMethod]
    public void LinearWarmup_ReachesBaseAtStepW()
    {
        using var opt = TwoGroups(out var ps);
        AreEqual([0.025, 0.05, 0.075, 0.1, 0.1, 0.1], Trace(new LinearWarmupSchedule(opt, 4), 6));
        Drive.Dispose(ps);
    }

    [TestMethod]
    public void CosineDecay_WithWarmupAndFloor()
    {
        using var opt = TwoGroups(out var ps);
        var s = new CosineDecaySchedule(opt, totalSteps: 10, warmupSteps: 2, minFactor: 0.1);
        var lrs = Trace(s, 13);
        // t = 4: p = 2/8, factor = 0.1 + 0.9·(1 + cos(π/4))/2 = 0.868198...; t = 6: p = 1/2, factor 0.55.
        AreEqual([0.05, 0.1, 0.1, 0.1 * (0.1 + 0.9 * (1 + Math.Cos(Math.PI / 8)) / 2), 0.0868198051533946, 0.1 * (0.1 + 0.9 * (1 + Math.Cos(3 * Math.PI / 8)) / 2),
            0.055, 0.1 * (0.1 + 0.9 * (1 + Math.Cos(5 * Math.PI / 8)) / 2), 0.1 * (0.1 + 0.9 * (1 + Math.Cos(6 * Math.PI / 8)) / 2),
            0.1 * (0.1 + 0.9 * (1 + Math.Cos(7 * Math.PI / 8)) / 2), 0.01, 0.01, 0.01], lrs);
        Drive.Dispose(ps);
    }

    [TestMethod]
    public void StepDecay()
    {
        using var opt = TwoGroups(out var ps);
        AreEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], Trace(new StepDecaySchedule(opt, stepSize: 3, gamma: 0.5), 7));
        Drive.Dispose(ps);
    }

    [TestMethod]
    public void OneCycle_CyclesLrAndBeta1_OnLion()
    {
        using var opt = TwoGroups(out var ps);
        var s = new OneCycleSchedule(opt, totalSteps: 10); // e1 = 0.3·10 − 1 = 2, e2 = 9
        Assert.AreEqual(0.95, ((LionOptions)opt.ParamGroups[1].Options).Beta1, Tol);
        var beta = new List<double>();
        var lrs = new double[10];
        for (var t = 0; t < 10; t++)
        {
            lrs[t] = opt.ParamGroups[0].LearningRate;
            beta.Add(((LionOptions)opt.ParamGroups[0].Options).Beta1);
            s.Step();
        }
        // Rising: 0.1/25 → 0.1 over t = 0..2 (cosine: midpoint 0.052); falling over t = 2..9 to 0.1/25/1e4.
        AreEqual([0.004, 0.052, 0.1], lrs[..3]);
        Assert.AreEqual(4e-7, lrs[9], Tol);
        Assert.AreEqual(4e-7 + (0.1 - 4e-7) / 2 * (Math.Cos(Math.PI * 3 / 7) + 1), lrs[5], Tol);
        CollectionAssert.AreEqual(new[] { 0.95, 0.9, 0.85 }, beta.Take(3).Select(b => Math.Round(b, 12)).ToArray());
        Assert.AreEqual(0.95, beta[9], Tol);
        Assert.AreEqual(4e-7, s.LearningRateAt(100), Tol, "held after the cycle");
        Drive.Dispose(ps);
    }

    [TestMethod]
    public void OneCycle_CyclesSgdMomentum_AndLeavesPlainSgdAlone()
    {
        using var a = TestUtil.Param([1f]);
        using var b = TestUtil.Param([1f]);
        using var opt = new SgdOptimizer([new ParamGroup([a], new SgdOptions { Momentum = 0.9 }), new ParamGroup([b])]);
        var s = new OneCycleSchedule(opt, totalSteps: 10);
        s.Step();
        Assert.AreEqual(0.9, opt.ParamGroups[0].Options["momentum"], Tol);
        Assert.AreEqual(0.0, opt.ParamGroups[1].Options["momentum"]);
    }

    [TestMethod]
    public void Schedules_WorkOnEveryOptimizer_AndResumeByStepCount()
    {
        foreach (var name in Optimizers.Names)
        {
            var ps = Drive.Parameters(41, [3]);
            using var opt = Optimizers.Create(name, ps);
            var s = new CosineDecaySchedule(opt, totalSteps: 8, warmupSteps: 2);
            var base0 = s.BaseLearningRates[0];
            Drive.Steps(opt, ps, 1, 1);
            s.Step();
            Assert.AreEqual(base0, opt.ParamGroups[0].LearningRate, Tol, name);
            s.StepCount = 8;
            Assert.AreEqual(0, opt.ParamGroups[0].LearningRate, Tol, name);
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void BadArguments_AreRejected()
    {
        using var opt = TwoGroups(out var ps);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LinearWarmupSchedule(opt, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CosineDecaySchedule(opt, totalSteps: 5, warmupSteps: 5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CosineDecaySchedule(opt, totalSteps: 5, minFactor: 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StepDecaySchedule(opt, 1, gamma: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new OneCycleSchedule(opt, 10, pctStart: 1));
        Drive.Dispose(ps);
    }
}
