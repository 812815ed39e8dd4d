using System.Text.Json;

namespace MlNetLion.Torch.Tests;

/// <summary>A module written by PyTorch (Debian's python3-torch 1.13, the same libtorch) is loaded,
/// trained from .NET, and read back by PyTorch.</summary>
[TestClass]
public sealed class TorchScriptTests
{
    private static readonly double[,] InitialWeight = { { 0.5, -0.25, 0.125 }, { -0.5, 0.75, 0.25 } };
    private static readonly double[] InitialBias = [0.1, -0.2];

    private static string WriteFixture()
    {
        var path = Path.Combine(TestSupport.TempDirectory(), "tiny.pt");
        TestSupport.RunPython(TestSupport.Fixture("torchscript_fixture.py"), "write", path);
        return path;
    }

    [TestMethod]
    public void Load_ExposesPyTorchsParametersAndForward()
    {
        using var m = Module.LoadTorchScript(WriteFixture());
        Assert.IsTrue(m.IsTorchScript);
        CollectionAssert.AreEqual(new[] { "fc.weight", "fc.bias" }, m.NamedParameters.Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 0.5f, -0.25f, 0.125f, -0.5f, 0.75f, 0.25f }, m.NamedParameters[0].Tensor.ToArray<float>());
        using var x = Tensor.From(new[] { 1f, 2f, 4f }, 1, 3);
        using var y = m.Forward(x);
        // [0.5 - 0.5 + 0.5 + 0.1, -0.5 + 1.5 + 1 - 0.2]
        TestSupport.AssertClose([0.6, 1.8], y.ToArray<float>());
        m.Eval();
        Assert.IsFalse(m.IsTraining);
        m.Train();
        Assert.IsTrue(m.IsTraining);
    }

    [TestMethod]
    public void TrainFromDotNet_ParametersFollowHandWrittenSgd_AndPyTorchReadsThemBack()
    {
        using var m = Module.LoadTorchScript(WriteFixture(), Device.Cpu);
        float[] xs = [1, 2, 4, -1, 0.5f, 2, 0, -3, 1, 2, 2, -2];
        long[] ys = [0, 1, 1, 0];
        using var x = Tensor.From(xs, 4, 3);
        using var y = Tensor.From(ys);
        const double lr = 0.1;

        var w = (double[,])InitialWeight.Clone();
        var b = (double[])InitialBias.Clone();
        for (var step = 0; step < 3; step++)
        {
            m.ZeroGrad();
            using (var logits = m.Forward(x))
            using (var loss = Functional.CrossEntropy(logits, y))
            {
                Assert.AreEqual(ExpectedLoss(w, b, xs, ys), loss.ToDouble(), 1e-6, $"loss at step {step}");
                loss.Backward();
            }
            using (Torch.NoGrad())
            {
                foreach (var p in m.Parameters())
                {
                    using var g = p.Grad!;
                    p.Sub_(g, alpha: lr);
                }
            }
            HandSgdStep(w, b, xs, ys, lr);
        }

        double[] expectedW = [w[0, 0], w[0, 1], w[0, 2], w[1, 0], w[1, 1], w[1, 2]];
        TestSupport.AssertClose(expectedW, m.NamedParameters[0].Tensor.ToArray<float>(), 1e-6);
        TestSupport.AssertClose(b, m.NamedParameters[1].Tensor.ToArray<float>(), 1e-6);
        Assert.AreNotEqual(InitialWeight[0, 0], w[0, 0], "training moved the weights");

        var saved = Path.Combine(TestSupport.TempDirectory(), "trained.pt");
        m.SaveTorchScript(saved);
        var fromPyTorch = JsonSerializer.Deserialize<Dictionary<string, double[]>>(
            TestSupport.RunPython(TestSupport.Fixture("torchscript_fixture.py"), "read", saved))!;
        TestSupport.AssertClose(fromPyTorch["fc.weight"], m.NamedParameters[0].Tensor.ToArray<float>(), 0);
        TestSupport.AssertClose(fromPyTorch["fc.bias"], m.NamedParameters[1].Tensor.ToArray<float>(), 0);
    }

    [TestMethod]
    public void StateFile_RoundTripsTorchScriptWeights()
    {
        var fixture = WriteFixture();
        using var a = Module.LoadTorchScript(fixture);
        using (Torch.NoGrad()) a.NamedParameters[1].Tensor.Fill_(3);
        var state = Path.Combine(TestSupport.TempDirectory(), "ts.state");
        a.SaveState(state);
        using var b = Module.LoadTorchScript(fixture);
        b.LoadState(state);
        CollectionAssert.AreEqual(new[] { 3f, 3f }, b.NamedParameters[1].Tensor.ToArray<float>());
    }

    [TestMethod]
    public void CorruptFile_IsTorchExceptionWithLibtorchsMessage()
    {
        var path = Path.Combine(TestSupport.TempDirectory(), "corrupt.pt");
        File.WriteAllBytes(path, "this is not a zip archive"u8.ToArray());
        var e = Assert.ThrowsExactly<TorchException>(() => Module.LoadTorchScript(path));
        StringAssert.Contains(e.Message, "PytorchStreamReader");

        var truncated = Path.Combine(TestSupport.TempDirectory(), "truncated.pt");
        var bytes = File.ReadAllBytes(WriteFixture());
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.ThrowsExactly<TorchException>(() => Module.LoadTorchScript(truncated));
    }

    [TestMethod]
    public void MissingFile_IsFileNotFoundNamingThePath()
    {
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => Module.LoadTorchScript("/no/such/model.pt"));
        StringAssert.Contains(e.Message, "/no/such/model.pt");
    }

    private static double[] Logits(double[,] w, double[] b, float[] xs, int i) =>
        [.. Enumerable.Range(0, 2).Select(c => b[c] + w[c, 0] * xs[3 * i] + w[c, 1] * xs[3 * i + 1] + w[c, 2] * xs[3 * i + 2])];

    private static double[] Softmax(double[] z)
    {
        var max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return [.. e.Select(v => v / s)];
    }

    private static double ExpectedLoss(double[,] w, double[] b, float[] xs, long[] ys) =>
        Enumerable.Range(0, ys.Length).Average(i => -Math.Log(Softmax(Logits(w, b, xs, i))[ys[i]]));

    // Mean cross-entropy of a linear layer: dL/dz = (softmax(z) - onehot(y)) / N; dW = dzᵀ·x; db = Σ dz.
    private static void HandSgdStep(double[,] w, double[] b, float[] xs, long[] ys, double lr)
    {
        var gw = new double[2, 3];
        var gb = new double[2];
        var n = ys.Length;
        for (var i = 0; i < n; i++)
        {
            var p = Softmax(Logits(w, b, xs, i));
            for (var c = 0; c < 2; c++)
            {
                var dz = (p[c] - (ys[i] == c ? 1 : 0)) / n;
                gb[c] += dz;
                for (var k = 0; k < 3; k++) gw[c, k] += dz * xs[3 * i + k];
            }
        }
        for (var c = 0; c < 2; c++)
        {
            b[c] -= lr * gb[c];
            for (var k = 0; k < 3; k++) w[c, k] -= lr * gw[c, k];
        }
    }
}
