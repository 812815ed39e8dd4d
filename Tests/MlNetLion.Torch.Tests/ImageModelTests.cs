namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class ImageModelTests
{
    private static ResidualCnnOptions Small(int inChannels = 1, int inputSize = 8) =>
        new() { Classes = 3, InChannels = inChannels, Width = 8, Depth = 1, InputSize = inputSize };

    /// <summary>
    /// 8x8 grayscale images of noise in [0, 0.5) with one bright bar: a row (label 0), a column
    /// (label 1) or a diagonal (label 2), at a random offset.
    /// </summary>
    private static (Tensor Images, Tensor Labels, long[] Truth) Bars(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 64];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            var image = pixels.AsSpan(n * 64, 64);
            for (var i = 0; i < 64; i++) image[i] = (float)random.NextDouble() * 0.5f;
            labels[n] = random.Next(3);
            var k = random.Next(8);
            for (var i = 0; i < 8; i++)
            {
                var (y, x) = labels[n] switch { 0 => (k, i), 1 => (i, k), _ => (i, i) };
                image[y * 8 + x] = 1f;
            }
        }
        return (Tensor.From(pixels, count, 1, 8, 8), Tensor.From(labels), labels);
    }

    [TestMethod]
    public void ResidualCnn_ClassifiesImagesOfAnySize()
    {
        Torch.ManualSeed(1);
        foreach (var (channels, size, height, width) in new[] { (1, 8, 8, 8), (1, 28, 28, 28), (3, 64, 64, 64), (3, 224, 96, 128), (1, 8, 3, 5) })
        {
            using var m = Models.ResidualCnn(Small(channels, size));
            using var images = Tensor.Rand([2, channels, height, width]);
            using var logits = m.Forward(images);
            CollectionAssert.AreEqual(new long[] { 2, 3 }, logits.Shape, $"{channels}x{height}x{width}");
            Assert.IsTrue(logits.AllFinite());
        }
    }

    [TestMethod]
    public void ResidualCnn_NamesParametersAndBatchNormBuffers()
    {
        using var m = Models.ResidualCnn(Small());
        var names = m.NamedParameters.Select(p => p.Name).ToArray();
        foreach (var expected in new[]
                 {
                     "stem.conv.weight", "stem.bn.weight", "stem.bn.bias", "stages.0.0.conv1.weight", "stages.0.0.bn2.weight",
                     "stages.1.0.shortcut.conv.weight", "stages.1.0.shortcut.bn.bias", "stages.2.0.conv2.weight", "head.weight", "head.bias",
                 })
            CollectionAssert.Contains(names, expected);
        Assert.IsFalse(names.Contains("stages.0.0.shortcut.conv.weight"), "a block that keeps the shape has an identity shortcut");
        ModelTraining.AssertDecayExemptionsAreNamed(m);
        CollectionAssert.AreEqual(new long[] { 8, 1, 3, 3 }, m.NamedParameters[0].Tensor.Shape);
        CollectionAssert.AreEqual(new long[] { 3, 32 }, m.NamedParameters.Single(p => p.Name == "head.weight").Tensor.Shape);
        var buffers = m.NamedBuffers.Select(b => b.Name).ToArray();
        CollectionAssert.IsSubsetOf(new[] { "stem.bn.running_mean", "stem.bn.running_var", "stem.bn.num_batches_tracked" }, buffers);
        // Each block's last batch norm starts at zero scale, so the block starts as the identity.
        Assert.IsTrue(m.NamedParameters.Single(p => p.Name == "stages.0.0.bn2.weight").Tensor.ToArray<float>().All(v => v == 0));
    }

    /// <summary>
    /// Our model runs its activations channels-last on CPU; PyTorch's replica (Fixtures/replica_fixtures.py) runs
    /// channel-first throughout, as plain PyTorch code does. A training step (batch statistics) must give the same
    /// logits, loss, gradients and running statistics, with every gradient contiguous like its parameter. The
    /// grayscale case is the one where the input's layout is ambiguous and the stem's output is converted.
    /// </summary>
    [TestMethod]
    [DataRow("cnn_gray")]
    [DataRow("cnn_rgb")]
    public void ResidualCnn_TrainingStepMatchesPyTorchsChannelFirstReplica(string fixture)
    {
        using var golden = ReplicaFixture.Load(fixture);
        using var m = Models.ResidualCnn(golden.Options<ResidualCnnOptions>());
        golden.Check(m, tolerance: 1e-5);
    }

    [TestMethod]
    public void ResidualCnn_InputSizeChangesStridesNotWeights_AndNoMapCollapses()
    {
        Torch.ManualSeed(2);
        using var tiny = Models.ResidualCnn(Small(inputSize: 8));
        using var big = Models.ResidualCnn(Small(inputSize: 256));
        Assert.AreEqual(tiny.ParameterCount, big.ParameterCount);
        tiny.Eval();
        big.Eval();
        foreach (var model in new[] { tiny, big })
        foreach (var size in new[] { 1, 2, 300 })
        {
            using var x = Tensor.Rand([1, 1, size, size]);
            using var y = model.Forward(x);
            CollectionAssert.AreEqual(new long[] { 1, 3 }, y.Shape);
        }
    }

    [TestMethod]
    public void ResidualCnn_LearnsBarOrientationOn8x8Images()
    {
        var (images, labels, truth) = Bars(96, seed: 3);
        using var _ = images;
        using var __ = labels;
        Torch.ManualSeed(4);
        using var m = Models.ResidualCnn(Small());
        var (first, last) = ModelTraining.GradientDescent(m, images, labels, steps: 40, lr: 0.1);
        Assert.IsTrue(last < 0.5 * first, $"loss fell from {first} to {last} only");
        var (test, testLabels, testTruth) = Bars(96, seed: 5);
        using var ___ = test;
        using var ____ = testLabels;
        var accuracy = ModelTraining.Accuracy(m, test, testTruth);
        Assert.IsTrue(accuracy > 0.8, $"held-out accuracy {accuracy} (chance 1/3)");
    }

    [TestMethod]
    public void ResidualCnn_BatchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval()
    {
        Torch.ManualSeed(6);
        using var m = Models.ResidualCnn(Small());
        var runningMean = m.NamedBuffers.Single(b => b.Name == "stem.bn.running_mean").Tensor;
        Assert.IsTrue(runningMean.ToArray<float>().All(v => v == 0));
        using var images = Tensor.Rand([4, 1, 8, 8]);
        using (Torch.NoGrad()) { using var ___ = m.Forward(images); }
        Assert.IsTrue(runningMean.ToArray<float>().Any(v => v != 0), "a training forward updates the running statistics");
        m.Eval();
        var before = runningMean.ToArray<float>();
        using var one = Tensor.Rand([1, 1, 8, 8]);
        var a = ModelTraining.Logits(m, one);
        CollectionAssert.AreEqual(before, runningMean.ToArray<float>(), "eval leaves them alone");
        CollectionAssert.AreEqual(a, ModelTraining.Logits(m, one));
    }

    [TestMethod]
    public void ResidualCnn_StateRoundTripIncludesRunningStatistics()
    {
        var path = Path.Combine(TestSupport.TempDirectory(), "cnn.state");
        Torch.ManualSeed(7);
        using var a = Models.ResidualCnn(Small(3, 28));
        using var images = Tensor.Rand([4, 3, 28, 28]);
        using (Torch.NoGrad()) { using var _ = a.Forward(images); }
        a.SaveState(path);
        Torch.ManualSeed(8);
        using var b = Models.ResidualCnn(Small(3, 28));
        b.LoadState(path);
        foreach (var (p, q) in a.NamedBuffers.Zip(b.NamedBuffers))
            CollectionAssert.AreEqual(p.Tensor.ToArray<float>(), q.Tensor.ToArray<float>(), p.Name);
        a.Eval();
        b.Eval();
        CollectionAssert.AreEqual(ModelTraining.Logits(a, images), ModelTraining.Logits(b, images));
    }

    [TestMethod]
    public void ResidualCnn_RejectsBadInputAndOptions()
    {
        using var m = Models.ResidualCnn(Small());
        using var rgb = Tensor.Rand([1, 3, 8, 8]);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => m.Forward(rgb)).Message, "[batch, 1, height, width]");
        using var flat = Tensor.Rand([1, 64]);
        Assert.ThrowsExactly<TorchException>(() => m.Forward(flat));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.ResidualCnn(Small() with { InChannels = 2 }));
        Assert.AreEqual(nameof(ResidualCnnOptions.InChannels), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.ResidualCnn(Small() with { Depth = 0 }));
        Assert.AreEqual(nameof(ResidualCnnOptions.Depth), e.ParamName);
    }
}
