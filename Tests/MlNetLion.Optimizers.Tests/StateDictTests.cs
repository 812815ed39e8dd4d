using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

[TestClass]
public sealed class StateDictTests
{
    private static readonly long[][] Shapes = [[7], [3, 5], [70_001]];

    public static IEnumerable<object[]> AllOptimizers => Optimizers.Names.Select(n => new object[] { n });

    /// <summary>Saved mid-run (mid-cycle for Lookahead), loaded into a fresh optimizer over fresh tensors holding
    /// the same weights: the remaining steps are bit-identical to the uninterrupted run, on both paths.</summary>
    [TestMethod]
    [DynamicData(nameof(AllOptimizers))]
    public void SavedMidRun_LoadedIntoFreshOptimizer_ContinuesBitIdentically(string name)
    {
        foreach (var tensorOps in new[] { false, true })
        {
            var straight = Drive.Parameters(1, Shapes);
            var resumed = Array.Empty<Tensor>();
            try
            {
                using var a = Optimizers.Create(name, straight);
                a.ForceTensorOps = tensorOps;
                Drive.Steps(a, straight, 1, 7);
                using var saved = new MemoryStream();
                a.SaveStateDict(saved);
                resumed = Drive.Copy(straight);
                Drive.Steps(a, straight, 8, 13);

                using var b = Optimizers.Create(name, resumed);
                b.ForceTensorOps = tensorOps;
                saved.Position = 0;
                b.LoadStateDict(saved);
                Assert.AreEqual(7, b.StepCount);
                if (b is Lookahead la) Assert.AreEqual(7 % la.K, la.StepsSinceSync, "mid-cycle counter");
                Drive.Steps(b, resumed, 8, 13);
                for (var i = 0; i < straight.Length; i++)
                    TestUtil.AssertBitEqual(straight[i].ToArray<float>(), resumed[i].ToArray<float>(), $"{name} ({(tensorOps ? "tensor-ops" : "fused")}) param {i}");
                AssertSameState(a, b);
            }
            finally
            {
                Drive.Dispose(straight);
                Drive.Dispose(resumed);
            }
        }
    }

    private static void AssertSameState(Optimizer a, Optimizer b)
    {
        using var sa = new MemoryStream();
        using var sb = new MemoryStream();
        a.SaveStateDict(sa);
        b.SaveStateDict(sb);
        CollectionAssert.AreEqual(sa.ToArray(), sb.ToArray(), "the state dicts differ");
    }

    [TestMethod]
    public void File_RoundTrip_IsAtomicAndComplete()
    {
        var ps = Drive.Parameters(2, Shapes);
        var dir = Directory.CreateTempSubdirectory("mlnl-opt-");
        try
        {
            using var opt = new Lookahead(new AdamWOptimizer(ps, new AdamWOptions { AmsGrad = true }), k: 4);
            Drive.Steps(opt, ps, 1, 6);
            var path = Path.Combine(dir.FullName, "sub", "opt.state");
            opt.SaveStateDict(path);
            opt.SaveStateDict(path); // overwrite in place
            Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(path)!).Length, "no temporary file is left behind");

            var dict = OptimizerStateDict.Load(path);
            Assert.AreEqual("Lookahead", dict.OptimizerType);
            Assert.AreEqual(6, dict.StepCount);
            Assert.AreEqual(2.0, dict.Scalars["la_step"]);
            Assert.AreEqual(4.0, dict.Scalars["k"]);
            Assert.AreEqual(0.5, dict.Scalars["alpha"]);
            Assert.AreEqual(3, dict.Parameters.Count);
            CollectionAssert.AreEqual(new[] { "slow_param" }, dict.Parameters[1].State!.Tensors.Keys.ToArray());
            var inner = dict.Inner!;
            Assert.AreEqual("AdamWOptimizer", inner.OptimizerType);
            Assert.AreEqual(6.0, inner.Parameters[0].State!.Scalars["step"]);
            CollectionAssert.AreEquivalent(new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" }, inner.Parameters[2].State!.Tensors.Keys.ToArray());
            Assert.AreEqual(1.0, inner.Groups[0].Options["amsgrad"]);
            CollectionAssert.AreEqual(new long[] { 3, 5 }, inner.Parameters[1].Shape);
        }
        finally
        {
            dir.Delete(recursive: true);
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void Load_RestoresGroupHyperparameters()
    {
        var ps = Drive.Parameters(3, [4]);
        try
        {
            using var a = new LionOptimizer(ps, new LionOptions { LearningRate = 1e-3 });
            a.ParamGroups[0].LearningRate = 5e-5;
            using var b = new LionOptimizer(ps);
            b.LoadStateDict(a.StateDict());
            Assert.AreEqual(5e-5, b.ParamGroups[0].LearningRate);
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }

    [TestMethod]
    public void Load_Mismatches_GiveClearErrors_AndChangeNothing()
    {
        var ps = Drive.Parameters(4, [4], [2, 3]);
        var other = Drive.Parameters(5, [4], [3, 2]);
        try
        {
            using var lion = new LionOptimizer(ps);
            Drive.Steps(lion, ps, 1, 2);
            var state = lion.StateDict();

            using var adam = new AdamWOptimizer(ps);
            var e = Assert.ThrowsExactly<ArgumentException>(() => adam.LoadStateDict(state));
            StringAssert.Contains(e.Message, "saved by a LionOptimizer; this optimizer is a AdamWOptimizer");

            using var fewer = new LionOptimizer(ps.Take(1));
            e = Assert.ThrowsExactly<ArgumentException>(() => fewer.LoadStateDict(state));
            StringAssert.Contains(e.Message, "2 parameter(s)");

            using var twoGroups = new LionOptimizer([new ParamGroup(ps.Take(1)), new ParamGroup(ps.Skip(1))]);
            e = Assert.ThrowsExactly<ArgumentException>(() => twoGroups.LoadStateDict(state));
            StringAssert.Contains(e.Message, "1 parameter group(s); this optimizer has 2");

            using var shaped = new LionOptimizer(other);
            Drive.Steps(shaped, other, 1, 1);
            var before = shaped.StateAt(0).Tensor("exp_avg").ToArray<float>();
            e = Assert.ThrowsExactly<ArgumentException>(() => shaped.LoadStateDict(state));
            StringAssert.Contains(e.Message, "Parameter 1 has shape [3, 2]; the state has [2, 3]");
            CollectionAssert.AreEqual(before, shaped.StateAt(0).Tensor("exp_avg").ToArray<float>(), "a rejected load changes nothing");
            Assert.AreEqual(1, shaped.StepCount);

            using var look = new Lookahead(new LionOptimizer(ps));
            e = Assert.ThrowsExactly<ArgumentException>(() => look.LoadStateDict(state));
            StringAssert.Contains(e.Message, "saved by a LionOptimizer; this optimizer is a Lookahead");
        }
        finally
        {
            Drive.Dispose(ps);
            Drive.Dispose(other);
        }
    }

    [TestMethod]
    public void Load_CorruptOrForeignStreams_AreRejected()
    {
        var ps = Drive.Parameters(6, [4]);
        try
        {
            using var opt = new LionOptimizer(ps);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => opt.LoadStateDict(new MemoryStream("not a state file"u8.ToArray())));
            StringAssert.Contains(e.Message, "MLNLOPTS");

            using var ms = new MemoryStream();
            opt.SaveStateDict(ms);
            var bytes = ms.ToArray();
            var newer = (byte[])bytes.Clone();
            BitConverter.GetBytes(99).CopyTo(newer, 8);
            e = Assert.ThrowsExactly<InvalidDataException>(() => opt.LoadStateDict(new MemoryStream(newer)));
            StringAssert.Contains(e.Message, "version 99");

            e = Assert.ThrowsExactly<InvalidDataException>(() => opt.LoadStateDict(new MemoryStream(bytes[..^12])));
            StringAssert.Contains(e.Message, "truncated");

            Assert.ThrowsExactly<FileNotFoundException>(() => opt.LoadStateDict("/nonexistent/opt.state"));
        }
        finally
        {
            Drive.Dispose(ps);
        }
    }
}
