namespace MlNetLion.Torch.Tests;

[TestClass]
public sealed class TextModelTests
{
    private static TextTransformerOptions SmallTransformer(double dropout = 0, bool normFirst = true, bool wide = false) => new()
    {
        VocabularySize = 20, Classes = 3, MaxLength = 16, EmbeddingDim = 16, Heads = 2, Layers = 2,
        FeedForwardDim = 32, Dropout = dropout, NormFirst = normFirst, Wide = wide,
    };

    private static BagOfNgramsOptions SmallBag(int hidden = 0) => new() { VocabularySize = 20, Classes = 3, EmbeddingDim = 8, HiddenDim = hidden };

    /// <summary>
    /// Rows of 3 to 8 tokens padded to 8: noise tokens 4..19 and one signal token 1, 2 or 3 at a
    /// random position, whose value minus one is the label.
    /// </summary>
    private static (Tensor Ids, Tensor Labels, long[] Truth) SignalTokens(int rows, int seed)
    {
        var random = new Random(seed);
        var ids = new long[rows * 8];
        var labels = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            var length = random.Next(3, 9);
            for (var t = 0; t < length; t++) ids[r * 8 + t] = random.Next(4, 20);
            labels[r] = random.Next(3);
            ids[r * 8 + random.Next(length)] = labels[r] + 1;
        }
        return (Tensor.From(ids, rows, 8), Tensor.From(labels), labels);
    }

    private static Tensor PadRight(long[] ids, int rows, int length, int extra)
    {
        var padded = new long[rows * (length + extra)];
        for (var r = 0; r < rows; r++) Array.Copy(ids, r * length, padded, r * (length + extra), length);
        return Tensor.From(padded, rows, length + extra);
    }

    private static IEnumerable<Module> EveryTextModel()
    {
        yield return Models.TextTransformer(SmallTransformer());
        yield return Models.TextTransformer(SmallTransformer(normFirst: false));
        yield return Models.BagOfNgrams(SmallBag());
        yield return Models.BagOfNgrams(SmallBag(hidden: 16));
    }

    [TestMethod]
    public void TextModels_MapIdsOfAnyLengthToLogits()
    {
        Torch.ManualSeed(1);
        foreach (var model in EveryTextModel())
        {
            using var m = model;
            foreach (var length in new[] { 1, 5, 16 })
            {
                using var ids = Tensor.Full([4, length], 7, ScalarType.Int64);
                using var logits = m.Forward(ids);
                CollectionAssert.AreEqual(new long[] { 4, 3 }, logits.Shape);
                Assert.IsTrue(logits.AllFinite());
            }
        }
    }

    [TestMethod]
    public void TextModels_IgnoreAppendedPadding()
    {
        Torch.ManualSeed(2);
        var (ids, labels, _) = SignalTokens(6, seed: 3);
        using var __ = ids;
        using var ___ = labels;
        var raw = ids.ToArray<long>();
        foreach (var model in EveryTextModel())
        {
            using var m = model;
            m.Eval();
            var plain = ModelTraining.Logits(m, ids);
            using var padded = PadRight(raw, 6, 8, extra: 8);
            var withPadding = ModelTraining.Logits(m, padded);
            Assert.IsTrue(ModelTraining.MaxDifference(plain, withPadding) < 1e-5, "logits change with padding");
        }
    }

    [TestMethod]
    public void TextTransformer_WidePathAddsTfIdfWeightedWordEvidence()
    {
        Torch.ManualSeed(4);
        using var m = Models.TextTransformer(SmallTransformer(wide: true));
        m.Eval();
        var random = new Random(5);
        var wide = Enumerable.Range(0, 20 * 3).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var idf = Enumerable.Range(0, 20).Select(i => 1f + i / 10f).ToArray();
        using (Torch.NoGrad())
        {
            Set(m.NamedParameters, "head.weight", new float[3 * 16], 3, 16); // the encoder's logits become the bias
            Set(m.NamedParameters, "head.bias", [0.5f, -1f, 2f], 3);
            Set(m.NamedParameters, "wide.weight", wide, 20, 3);
            Set(m.NamedBuffers, "wide_idf", idf, 20);
        }
        long[][] rows = [[5, 5, 7, 0], [9, 0, 0, 0], [0, 0, 0, 0]];
        using var ids = Tensor.From(rows.SelectMany(r => r).ToArray(), 3, 4);
        var logits = ModelTraining.Logits(m, ids);
        for (var r = 0; r < rows.Length; r++)
        {
            var tokens = rows[r].Where(t => t != 0).ToArray();
            var norm = Math.Sqrt(tokens.Sum(t => (double)idf[t] * idf[t]));
            for (var c = 0; c < 3; c++)
            {
                var expected = new[] { 0.5, -1, 2 }[c] + tokens.Sum(t => idf[t] * wide[t * 3 + c] / norm);
                Assert.AreEqual(expected, logits[r * 3 + c], 1e-5, $"row {r}, class {c}");
            }
        }
    }

    [TestMethod]
    public void TextTransformer_SkipsTheEncoder_WhileItsHeadIsZeroAndFrozen()
    {
        // The trainer freezes a waiting encoder with a zero head: its logits are then exactly the head's bias, and the
        // forward pass skips it. NaN embeddings prove the skip: the full path would give NaN (NaN * 0 is NaN).
        Torch.ManualSeed(8);
        using var m = Models.TextTransformer(SmallTransformer(wide: true));
        var head = m.NamedParameters.Single(p => p.Name == "head.weight").Tensor;
        var random = new Random(9);
        using (Torch.NoGrad())
        {
            Set(m.NamedParameters, "head.weight", new float[3 * 16], 3, 16);
            Set(m.NamedParameters, "head.bias", [0.5f, -1f, 2f], 3);
            Set(m.NamedParameters, "wide.weight", Enumerable.Range(0, 20 * 3).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), 20, 3);
        }
        using var ids = Tensor.From(new long[] { 5, 5, 7, 0, 9, 0, 0, 0 }, 2, 4);
        m.Eval();
        var full = ModelTraining.Logits(m, ids);
        head.RequiresGrad = false;
        var skipped = ModelTraining.Logits(m, ids);
        CollectionAssert.AreEqual(full, skipped, "skipping a zero head's encoder changes nothing");

        using (Torch.NoGrad()) Set(m.NamedParameters, "embed.weight", Enumerable.Repeat(float.NaN, 20 * 16).ToArray(), 20, 16);
        Assert.IsTrue(ModelTraining.Logits(m, ids).All(float.IsFinite), "a frozen zero head skips the encoder");
        head.RequiresGrad = true;
        Assert.IsTrue(ModelTraining.Logits(m, ids).All(float.IsNaN), "a head that learns takes the full path");
        head.RequiresGrad = false;
        using (Torch.NoGrad()) head.Fill_(0.1);
        Assert.IsTrue(ModelTraining.Logits(m, ids).All(float.IsNaN), "a head that is not zero takes the full path");

        // The wide path and the bias still learn while the encoder is skipped.
        head.Zero_();
        m.Train();
        using var logits = m.Forward(ids);
        using var target = Tensor.From(new long[] { 0, 2 });
        using var loss = Functional.CrossEntropy(logits, target);
        loss.Backward();
        using var biasGrad = m.NamedParameters.Single(p => p.Name == "head.bias").Tensor.Grad!;
        using var wideGrad = m.NamedParameters.Single(p => p.Name == "wide.weight").Tensor.Grad!;
        Assert.IsTrue(biasGrad.ToArray<float>().Any(g => g != 0) && wideGrad.ToArray<float>().Any(g => g != 0));
        Assert.IsNull(head.Grad, "the frozen head gets no gradient");
    }

    [TestMethod]
    public void TextTransformer_WideBucketIdsReachOnlyTheWidePath()
    {
        Torch.ManualSeed(6);
        using var m = Models.TextTransformer(SmallTransformer(wide: true) with { WideBuckets = 10 });
        m.Eval();
        var random = new Random(7);
        var wide = Enumerable.Range(0, 30 * 3).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        using (Torch.NoGrad()) Set(m.NamedParameters, "wide.weight", wide, 30, 3);
        // Words (ids 1..19) first, then wide-only ids (20..29); the rows differ in word count, and the
        // wide-only ids sit where the other row still has words. Row 2 has wide-only ids only.
        long[][] rows = [[5, 7, 9, 21, 29, 0], [4, 25, 26, 27, 0, 0], [22, 23, 0, 0, 0, 0]];
        using var ids = Tensor.From(rows.SelectMany(r => r).ToArray(), 3, 6);
        var logits = ModelTraining.Logits(m, ids);
        for (var r = 0; r < rows.Length; r++)
        {
            // The encoder's part: the same row with its wide-only ids removed and the wide weights zeroed.
            var words = rows[r].Where(t => t is > 0 and < 20).ToArray();
            using (Torch.NoGrad()) Set(m.NamedParameters, "wide.weight", new float[30 * 3], 30, 3);
            using var wordIds = Tensor.From(words.Length == 0 ? [0L] : words, 1, Math.Max(1, words.Length));
            var deep = ModelTraining.Logits(m, wordIds);
            using (Torch.NoGrad()) Set(m.NamedParameters, "wide.weight", wide, 30, 3);
            var tokens = rows[r].Where(t => t != 0).ToArray();
            var norm = Math.Sqrt(tokens.Length); // idf is all ones until set
            for (var c = 0; c < 3; c++)
                Assert.AreEqual(deep[c] + tokens.Sum(t => wide[t * 3 + c] / norm), logits[r * 3 + c], 1e-5, $"row {r}, class {c}");
        }

        using var outOfRange = Tensor.From(new long[] { 5, 30 }, 1, 2);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => m.Forward(outOfRange)).Message, "30");
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.TextTransformer(SmallTransformer() with { WideBuckets = 4 }));
        Assert.AreEqual("WideBuckets", e.ParamName);
    }

    [TestMethod]
    public void TextTransformer_SeparateNorms_WeighWordsAndBucketsApartWithSublinearTf_AndWordsPastMaxLengthReachOnlyTheWidePath()
    {
        Torch.ManualSeed(8);
        using var m = Models.TextTransformer(SmallTransformer(wide: true) with { WideBuckets = 10, WideSeparateNorms = true, MaxLength = 3 });
        m.Eval();
        var random = new Random(9);
        var wide = Enumerable.Range(0, 30 * 3).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var idf = Enumerable.Range(0, 30).Select(i => i == 0 ? 1f : 1 + (float)random.NextDouble()).ToArray();
        using (Torch.NoGrad())
        {
            Set(m.NamedParameters, "wide.weight", wide, 30, 3);
            using var idfValues = Tensor.From(idf, 30);
            m.NamedBuffers.Single(b => b.Name == "wide_idf").Tensor.Copy_(idfValues);
        }
        // Row 0: 3 words (MaxLength), its n-grams, then 2 more words (repeating one, 5) that only the wide path reads.
        // Row 1: 2 words and n-grams (one repeated). Row 2: words only (its n-gram block is empty).
        long[][] rows = [[5, 7, 9, 21, 29, 5, 11], [4, 25, 26, 25, 0, 0, 0], [3, 6, 0, 0, 0, 0, 0]];
        using var ids = Tensor.From(rows.SelectMany(r => r).ToArray(), 3, 7);
        var logits = ModelTraining.Logits(m, ids);
        for (var r = 0; r < rows.Length; r++)
        {
            var encoderWords = rows[r].TakeWhile(t => t is > 0 and < 20).Take(3).ToArray();
            using (Torch.NoGrad()) Set(m.NamedParameters, "wide.weight", new float[30 * 3], 30, 3);
            using var wordIds = Tensor.From(encoderWords, 1, encoderWords.Length);
            var deep = ModelTraining.Logits(m, wordIds);
            using (Torch.NoGrad()) Set(m.NamedParameters, "wide.weight", wide, 30, 3);
            // Each block: sublinear TF-IDF, idf * (1 + ln tf) per distinct id, over the block's own L2 norm.
            Dictionary<long, double> Block(Func<long, bool> inBlock)
            {
                var values = rows[r].Where(t => t != 0 && inBlock(t)).GroupBy(t => t).ToDictionary(g => g.Key, g => idf[g.Key] * (1 + Math.Log(g.Count())));
                var norm = Math.Sqrt(values.Values.Sum(v => v * v));
                return values.ToDictionary(kv => kv.Key, kv => kv.Value / norm);
            }
            var blocks = new[] { Block(t => t < 20), Block(t => t >= 20) };
            for (var c = 0; c < 3; c++)
            {
                var expected = deep[c] + blocks.SelectMany(b => b).Sum(kv => kv.Value * wide[kv.Key * 3 + c]);
                Assert.AreEqual(expected, logits[r * 3 + c], 1e-5, $"row {r}, class {c}");
            }
        }
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.TextTransformer(SmallTransformer(wide: true) with { WideSeparateNorms = true }));
        Assert.AreEqual("WideSeparateNorms", e.ParamName);
    }

    private static void Set(IReadOnlyList<NamedTensor> tensors, string name, float[] values, params long[] shape)
    {
        using var source = Tensor.From(values, shape);
        tensors.Single(t => t.Name == name).Tensor.Copy_(source);
    }

    [TestMethod]
    public void TextModels_GiveFiniteLogitsForRowsOfPaddingOnly()
    {
        Torch.ManualSeed(3);
        foreach (var model in EveryTextModel())
        {
            using var m = model;
            m.Eval();
            using var ids = Tensor.From(new long[] { 0, 0, 0, 5, 6, 0 }, 2, 3);
            using var logits = m.Forward(ids);
            Assert.IsTrue(logits.AllFinite());
        }
    }

    [TestMethod]
    public void TextTransformer_NamesParametersLikePyTorch()
    {
        using var m = Models.TextTransformer(SmallTransformer());
        var names = m.NamedParameters.Select(p => p.Name).ToArray();
        foreach (var expected in new[]
                 {
                     "embed.weight", "pos.weight", "encoder.layers.0.self_attn.in_proj_weight",
                     "encoder.layers.0.self_attn.out_proj.weight", "encoder.layers.1.linear1.weight",
                     "encoder.layers.1.linear2.bias", "encoder.layers.1.norm1.weight", "encoder.layers.1.norm2.bias",
                     "norm.weight", "head.weight", "head.bias",
                 })
            CollectionAssert.Contains(names, expected);
        ModelTraining.AssertDecayExemptionsAreNamed(m);
        CollectionAssert.AreEqual(new long[] { 20, 16 }, m.NamedParameters.Single(p => p.Name == "embed.weight").Tensor.Shape);
        CollectionAssert.AreEqual(new long[] { 16, 16 }, m.NamedParameters.Single(p => p.Name == "pos.weight").Tensor.Shape);
        CollectionAssert.AreEqual(new long[] { 3, 16 }, m.NamedParameters.Single(p => p.Name == "head.weight").Tensor.Shape);
        CollectionAssert.AreEqual(new float[16], m.NamedParameters[0].Tensor.ToArray<float>()[..16], "padding row starts at zero");
    }

    /// <summary>
    /// Our attention is written in the shim (an additive key mask in baddbmm, batch-first); PyTorch's replica
    /// (Fixtures/replica_fixtures.py) uses nn.MultiheadAttention, sequence-first. With the replica's weights, loaded
    /// by name, ours must give its logits, loss and gradients, on rows with padding and a row of padding only.
    /// </summary>
    [TestMethod]
    [DataRow("text_prenorm_wide")]
    [DataRow("text_postnorm")]
    public void TextTransformer_MatchesPyTorchsMultiheadAttentionReplica(string fixture)
    {
        using var golden = ReplicaFixture.Load(fixture);
        using var m = Models.TextTransformer(golden.Options<TextTransformerOptions>());
        golden.Check(m, tolerance: 1e-5);
    }

    [TestMethod]
    public void BagOfNgrams_NamesParameters()
    {
        using var linear = Models.BagOfNgrams(SmallBag());
        CollectionAssert.AreEqual(new[] { "embed.weight", "head.weight", "head.bias" }, linear.NamedParameters.Select(p => p.Name).ToArray());
        using var hidden = Models.BagOfNgrams(SmallBag(hidden: 16));
        CollectionAssert.AreEqual(new[] { "embed.weight", "hidden.weight", "hidden.bias", "head.weight", "head.bias" },
            hidden.NamedParameters.Select(p => p.Name).ToArray());
        ModelTraining.AssertDecayExemptionsAreNamed(hidden);
        Assert.AreEqual(20 * 8 + 16 * 8 + 16 + 3 * 16 + 3L, hidden.ParameterCount);
    }

    [TestMethod]
    public void BagOfNgrams_AveragesTheEmbeddingsOfItsIds()
    {
        using var m = Models.BagOfNgrams(SmallBag() with { EmbeddingDim = 1, Classes = 1 });
        using (Torch.NoGrad())
        {
            m.NamedParameters[0].Tensor.Copy_(Tensor.From(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), 20, 1));
            m.NamedParameters[1].Tensor.Fill_(1);
            m.NamedParameters[2].Tensor.Fill_(0);
        }
        using var ids = Tensor.From(new long[] { 2, 4, 0, 9, 0, 0 }, 2, 3);
        // mean(2, 4) = 3 and mean(9) = 9: padding is left out of the mean, not counted as a zero.
        CollectionAssert.AreEqual(new[] { 3f, 9f }, ModelTraining.Logits(m, ids));
    }

    [TestMethod]
    public void TextModels_LearnWhichSignalTokenARowHas()
    {
        var (ids, labels, truth) = SignalTokens(96, seed: 4);
        using var _ = ids;
        using var __ = labels;
        (Module Model, double Lr, int Steps)[] runs =
        [
            (Models.TextTransformer(SmallTransformer()), 0.1, 40),
            (Models.BagOfNgrams(SmallBag() with { EmbeddingDim = 16 }), 5, 40),
        ];
        foreach (var (model, lr, steps) in runs)
        {
            Torch.ManualSeed(5);
            using var m = model;
            var (first, last) = ModelTraining.GradientDescent(m, ids, labels, steps, lr);
            Assert.IsTrue(last < 0.25 * first, $"loss fell from {first} to {last} only");
            var (test, testLabels, testTruth) = SignalTokens(96, seed: 9);
            using var ___ = test;
            using var ____ = testLabels;
            var accuracy = ModelTraining.Accuracy(m, test, testTruth);
            Assert.IsTrue(accuracy > 0.8, $"held-out accuracy {accuracy} (chance 1/3)");
        }
    }

    [TestMethod]
    public void TextTransformer_DropoutActsInTrainingOnly()
    {
        Torch.ManualSeed(6);
        using var m = Models.TextTransformer(SmallTransformer(dropout: 0.5));
        using var ids = Tensor.Full([2, 6], 9, ScalarType.Int64);
        var a = ModelTraining.Logits(m, ids);
        var b = ModelTraining.Logits(m, ids);
        Assert.IsTrue(ModelTraining.MaxDifference(a, b) > 1e-4, "training mode draws new dropout masks");
        m.Eval();
        CollectionAssert.AreEqual(ModelTraining.Logits(m, ids), ModelTraining.Logits(m, ids));
    }

    [TestMethod]
    public void TextModels_SameSeedSameWeights_AndStateRoundTrips()
    {
        var path = Path.Combine(TestSupport.TempDirectory(), "text.state");
        Torch.ManualSeed(7);
        using var a = Models.TextTransformer(SmallTransformer());
        Torch.ManualSeed(7);
        using var same = Models.TextTransformer(SmallTransformer());
        foreach (var (p, q) in a.NamedParameters.Zip(same.NamedParameters))
            CollectionAssert.AreEqual(p.Tensor.ToArray<float>(), q.Tensor.ToArray<float>(), p.Name);
        a.SaveState(path);
        Torch.ManualSeed(8);
        using var b = Models.TextTransformer(SmallTransformer());
        using var ids = Tensor.From(new long[] { 3, 4, 5, 0, 6, 7, 8, 9 }, 2, 4);
        a.Eval();
        b.Eval();
        CollectionAssert.AreNotEqual(ModelTraining.Logits(a, ids), ModelTraining.Logits(b, ids));
        b.LoadState(path);
        CollectionAssert.AreEqual(ModelTraining.Logits(a, ids), ModelTraining.Logits(b, ids));
        b.To(Device.Cpu);
        CollectionAssert.AreEqual(ModelTraining.Logits(a, ids), ModelTraining.Logits(b, ids));
    }

    [TestMethod]
    public void TextModels_RejectBadInputWithClearErrors()
    {
        using var m = Models.TextTransformer(SmallTransformer());
        using var outOfVocabulary = Tensor.From(new long[] { 1, 20 }, 1, 2);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => m.Forward(outOfVocabulary)).Message, "token id 20");
        using var tooLong = Tensor.Ones([1, 17], ScalarType.Int64);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => m.Forward(tooLong)).Message, "maximum length");
        using var floats = Tensor.Ones([1, 4]);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => m.Forward(floats)).Message, "int64");
        using var bag = Models.BagOfNgrams(SmallBag());
        using var negative = Tensor.From(new long[] { -1, 2 }, 1, 2);
        StringAssert.Contains(Assert.ThrowsExactly<TorchException>(() => bag.Forward(negative)).Message, "token id -1");
    }

    [TestMethod]
    public void TextOptions_OutOfRange_NameTheOption()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.TextTransformer(SmallTransformer() with { Heads = 3 }));
        Assert.AreEqual(nameof(TextTransformerOptions.EmbeddingDim), e.ParamName);
        StringAssert.Contains(e.Message, "multiple of Heads (3)");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.TextTransformer(SmallTransformer() with { VocabularySize = 1 }));
        Assert.AreEqual(nameof(TextTransformerOptions.VocabularySize), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.TextTransformer(SmallTransformer() with { Dropout = 1 }));
        Assert.AreEqual(nameof(TextTransformerOptions.Dropout), e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Models.BagOfNgrams(SmallBag() with { HiddenDim = -1 }));
        Assert.AreEqual(nameof(BagOfNgramsOptions.HiddenDim), e.ParamName);
    }
}
