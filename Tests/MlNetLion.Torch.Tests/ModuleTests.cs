namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class ModuleTests
{
    private static Module Mlp() => Module.Sequential(Layer.Linear(4, 8), Layer.Tanh(), Layer.Linear(8, 3));

    [TestMethod]
    public void Sequential_NamesAndShapesItsParameters()
    {
        using var m = Mlp();
        CollectionAssert.AreEqual(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, m.NamedParameters.Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new long[] { 8, 4 }, m.NamedParameters[0].Tensor.Shape);
        CollectionAssert.AreEqual(new long[] { 3 }, m.NamedParameters[3].Tensor.Shape);
        Assert.AreEqual(8 * 4 + 8 + 3 * 8 + 3L, m.ParameterCount);
        Assert.IsTrue(m.Parameters().All(p => p.RequiresGrad));
        Assert.IsFalse(m.IsTorchScript);
        // nn.Linear's default init is U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
        Assert.IsTrue(m.NamedParameters[0].Tensor.ToArray<float>().All(v => Math.Abs(v) <= 0.5f));
    }

    [TestMethod]
    public void Forward_UsesTheParametersItExposes()
    {
        using var m = Module.Sequential(Layer.Linear(2, 1));
        using (Torch.NoGrad())
        {
            m.NamedParameters[0].Tensor.Copy_(Tensor.From(new[] { 2f, -1f }, 1, 2));
            m.NamedParameters[1].Tensor.Fill_(0.5);
        }
        using var x = Tensor.From(new[] { 1f, 1f, 3f, 4f }, 2, 2);
        using var y = m.Forward(x);
        CollectionAssert.AreEqual(new[] { 1.5f, 2.5f }, y.ToArray<float>());
    }

    [TestMethod]
    public void Backward_FillsParameterGradients()
    {
        using var m = Module.Sequential(Layer.Linear(2, 1));
        using var x = Tensor.From(new[] { 1f, 2f, 3f, 4f }, 2, 2);
        using var y = m.Forward(x);
        using var loss = y.Sum();
        loss.Backward();
        // d(sum(xW^T + b))/dW = column sums of x; d/db = batch size.
        using var gw = m.NamedParameters[0].Tensor.Grad!;
        using var gb = m.NamedParameters[1].Tensor.Grad!;
        CollectionAssert.AreEqual(new[] { 4f, 6f }, gw.ToArray<float>());
        CollectionAssert.AreEqual(new[] { 2f }, gb.ToArray<float>());
        m.ZeroGrad();
        using var zeroed = m.NamedParameters[0].Tensor.Grad!;
        CollectionAssert.AreEqual(new[] { 0f, 0f }, zeroed.ToArray<float>());
    }

    [TestMethod]
    public void TrainAndEval_ToggleModeAndDropout()
    {
        using var m = Module.Sequential(Layer.Dropout(0.5));
        Assert.IsTrue(m.IsTraining);
        using var x = Tensor.Ones([1000]);
        Torch.ManualSeed(7);
        using (var y = m.Forward(x))
        {
            var v = y.ToArray<float>();
            Assert.IsTrue(v.Count(a => a == 0) > 300, "dropout zeroes about half in training");
            Assert.IsTrue(v.Where(a => a != 0).All(a => a == 2f), "survivors are scaled by 1/(1-p)");
        }
        m.Eval();
        Assert.IsFalse(m.IsTraining);
        using var e = m.Forward(x);
        CollectionAssert.AreEqual(x.ToArray<float>(), e.ToArray<float>());
    }

    [TestMethod]
    public void To_KeepsParameterHandlesValid()
    {
        using var m = Mlp();
        var before = m.NamedParameters[0].Tensor.ToArray<float>();
        m.To(Device.Cpu);
        Assert.AreEqual(Device.Cpu, m.NamedParameters[0].Tensor.Device);
        CollectionAssert.AreEqual(before, m.NamedParameters[0].Tensor.ToArray<float>());
    }

    [TestMethod]
    public void SaveState_LoadState_RestoresEveryParameter()
    {
        var dir = TestSupport.TempDirectory();
        var path = Path.Combine(dir, "mlp.state");
        Torch.ManualSeed(1);
        using var a = Mlp();
        a.SaveState(path);
        Torch.ManualSeed(2);
        using var b = Mlp();
        CollectionAssert.AreNotEqual(a.NamedParameters[0].Tensor.ToArray<float>(), b.NamedParameters[0].Tensor.ToArray<float>());
        b.LoadState(path);
        for (var i = 0; i < 4; i++)
            CollectionAssert.AreEqual(a.NamedParameters[i].Tensor.ToArray<float>(), b.NamedParameters[i].Tensor.ToArray<float>());
        Assert.AreEqual(1, Directory.GetFiles(dir).Length, "no temporary file is left behind");
    }

    [TestMethod]
    public void LoadState_FromAnotherArchitecture_NamesTheMismatch()
    {
        var path = Path.Combine(TestSupport.TempDirectory(), "small.state");
        using (var small = Module.Sequential(Layer.Linear(4, 2))) small.SaveState(path);
        using var wide = Module.Sequential(Layer.Linear(4, 5));
        var e = Assert.ThrowsExactly<TorchException>(() => wide.LoadState(path));
        StringAssert.Contains(e.Message, "'0.weight'");
        using var deeper = Mlp();
        var missing = Assert.ThrowsExactly<TorchException>(() => deeper.LoadState(path));
        StringAssert.Contains(missing.Message, "0.weight");
    }

    [TestMethod]
    public void LoadState_MissingFile_IsFileNotFound()
    {
        using var m = Mlp();
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => m.LoadState("/nonexistent/mlp.state"));
        StringAssert.Contains(e.Message, "/nonexistent/mlp.state");
    }

    [TestMethod]
    public void AtomicFile_FailedWrite_LeavesExistingFileIntact()
    {
        var dir = TestSupport.TempDirectory();
        var path = Path.Combine(dir, "model.bin");
        File.WriteAllText(path, "good");
        Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, "half-writ");
            throw new IOException("disk full");
        }));
        Assert.AreEqual("good", File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(dir).Length);
        AtomicFile.Write(path, tmp => File.WriteAllText(tmp, "new"));
        Assert.AreEqual("new", File.ReadAllText(path));
    }

    [TestMethod]
    public void Layers_RejectBadSizes()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Layer.Linear(0, 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Layer.Dropout(1.5));
    }
}
