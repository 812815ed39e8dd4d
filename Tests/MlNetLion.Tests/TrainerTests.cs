using System.Diagnostics;
using MlNetLion.Data;
using MlNetLion.Optimizers;
using MlNetLion.Text;
using MlNetLion.Torch;
using MlNetLion.Trainers;

namespace MlNetLion.Tests;

public sealed class TopicPrediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

public sealed class ImagePrediction
{
    public int PredictedLabel { get; set; }
}

[TestClass]
public sealed class TrainerTests
{
    /// <summary>The fast text model with a learning rate that fits these tiny sets.</summary>
    internal static TextClassificationTrainer BagTrainer(MLContext ctx, int epochs = 3, Action<TextClassificationOptions>? configure = null)
    {
        var options = new TextClassificationOptions
        {
            Sentence1ColumnName = "Text", Architecture = TextModelArchitecture.BagOfNgrams, MaxEpoch = epochs, EmbeddingDim = 16, NgramBuckets = 1024,
        };
        configure?.Invoke(options);
        return ctx.MulticlassClassification.Trainers.TextClassification(options).WithLionOptimizer(0.03);
    }

    internal static DataView<TextRow> Texts(MLContext ctx, int count, int seed) => ctx.Data.LoadFromEnumerable(SyntheticData.Texts(count, seed));

    [TestMethod]
    public void BagOfNgrams_LearnsTopics_AndEvaluatesWithMlNetMetrics()
    {
        var ctx = new MLContext(seed: 1);
        var test = Texts(ctx, 90, 2);
        using var model = BagTrainer(ctx).Fit(Texts(ctx, 300, 1), test);
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test), topKPredictionCount: 2);
        Assert.IsGreaterThanOrEqualTo(0.95, metrics.MicroAccuracy, metrics.ToString());
        Assert.IsGreaterThan(0.3, metrics.LogLossReduction);
        Assert.AreEqual(3, metrics.PerClassLogLoss.Count);
        Assert.AreEqual(90, metrics.ConfusionMatrix.Counts.Sum(r => r.Sum()));
        CollectionAssert.AreEqual(new[] { "food", "sports", "tech" }, model.ClassNames.ToArray());
    }

    [TestMethod]
    public void Transformer_LearnsTopics()
    {
        var ctx = new MLContext(seed: 1);
        var test = Texts(ctx, 90, 2);
        var trainer = ctx.MulticlassClassification.Trainers.TextClassification(new TextClassificationOptions
        {
            Sentence1ColumnName = "Text", MaxEpoch = 4, EmbeddingDim = 32, Heads = 2, Layers = 1, FeedForwardDim = 64, MaxLength = 16,
        }).WithLionOptimizer(3e-3);
        var rows = SyntheticData.Texts(300, 1);
        using var model = trainer.Fit(ctx.Data.LoadFromEnumerable(rows));
        Assert.AreEqual("TextTransformer", model.ArchitectureName);
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.MicroAccuracy, metrics.ToString());

        // The wide path weighs each word and n-gram by its inverse document frequency over the training rows.
        var encoder = (TextInputEncoder)model.Encoder;
        var tokenizer = encoder.Tokenizer;
        Assert.AreEqual((1 << 18, 2, 5), (encoder.NgramBuckets, encoder.CharNgramMin, encoder.CharNgramMax), "n-grams are on by default");
        var documents = rows.Select(r => ((int[])encoder.Featurize(r.Text, true, out _)!).Distinct()).SelectMany(ids => ids)
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var idf = model.Module.NamedBuffers.Single(b => b.Name == "wide_idf").Tensor.ToArray<float>();
        Assert.AreEqual(tokenizer.VocabularySize + (1 << 18), idf.Length);
        for (var id = 0; id < idf.Length; id++)
            Assert.AreEqual(Math.Log(301.0 / (1 + documents.GetValueOrDefault(id))) + 1, idf[id], 1e-5, $"id {id}");
        Assert.IsTrue(documents.Values.Distinct().Count() > 2, "the words should occur in different numbers of rows");
    }

    [TestMethod]
    public void TextEncoder_WidePathNgrams_HashWordPairsAndCharacterNgrams_AndRoundTrip()
    {
        var tokenizer = WordTokenizer.Learn(["the cat sat", "the cat ran"], minCount: 1);
        var encoder = new TextInputEncoder("Text", tokenizer, maxLength: 16, ngramBuckets: 1000, charNgramMin: 2, charNgramMax: 3);
        int[] Ids(string text) => (int[])encoder.Featurize(text, true, out _)!;

        // "the dog": 2 words, 1 word pair, "<the>" and "<dog>" give 4 bigrams and 3 trigrams each.
        var dog = Ids("the dog");
        Assert.AreEqual(2 + 1 + 14, dog.Length);
        CollectionAssert.AreEqual(new[] { tokenizer.Id("the"), WordTokenizer.UnknownId }, dog[..2]);
        Assert.IsTrue(dog[2..].All(id => id >= tokenizer.VocabularySize && id < tokenizer.VocabularySize + 1000));
        // Two words outside the vocabulary share the unknown id but not their character n-grams, and "<th", "the", "he>" are the same in both rows.
        var cow = Ids("the cow");
        Assert.AreEqual(dog[1], cow[1]);
        Assert.AreNotEqual(dog[2], cow[2], "the word pairs differ");
        Assert.IsGreaterThanOrEqualTo(4, dog[10..].Except(cow[10..]).Count());
        CollectionAssert.AreEqual(dog[3..10], cow[3..10], "the n-grams of 'the' are the same");

        // Past maxLength words the encoder does not read: their n-grams, then the words themselves, go to the wide path only.
        var longer = new TextInputEncoder("Text", tokenizer, maxLength: 2, ngramBuckets: 1000, charNgramMin: 2, charNgramMax: 3, wideMaxLength: 3);
        var catSat = (int[])longer.Featurize("the cat sat the", true, out _)!;
        Assert.AreEqual(2 + 2 + 3 * 7 + 1, catSat.Length, "3 tokens are read: 2 words, 2 pairs, 3 words' 7 n-grams, then the third word");
        CollectionAssert.AreEqual(new[] { tokenizer.Id("the"), tokenizer.Id("cat") }, catSat[..2]);
        Assert.AreEqual(tokenizer.Id("sat"), catSat[^1]);
        Assert.IsTrue(catSat[2..^1].All(id => id >= tokenizer.VocabularySize));

        foreach (var (saved, kind) in new[] { (encoder, "text/wide-ngrams"), (longer, "text/wide-ngrams"), (new TextInputEncoder("Text", tokenizer, 16, 0), "text") })
        {
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) saved.Save(w);
            stream.Position = 0;
            using var r = new BinaryReader(stream);
            Assert.AreEqual(kind, r.ReadString());
            stream.Position = 0;
            var loaded = (TextInputEncoder)InputEncoder.Load(r);
            CollectionAssert.AreEqual((int[])saved.Featurize("the cat and the dog", true, out _)!, (int[])loaded.Featurize("the cat and the dog", true, out _)!, kind);
            Assert.AreEqual(saved.WideMaxLength, loaded.WideMaxLength);
        }
    }

    [TestMethod]
    public void EncoderStartFraction_HoldsAllButTheWidePath_ForThatPartOfTheRun()
    {
        // 60 rows in batches of 10 for 2 epochs: 12 steps, of which the first 6 (0.5) train the wide path only.
        var ctx = new MLContext(seed: 3);
        var data = Texts(ctx, 60, 1);
        (Dictionary<string, StateTensor> Weights, OptimizerStateDict Optimizer) CheckpointAfter(long steps)
        {
            var dir = TempFolder.Create();
            using var cts = new CancellationTokenSource();
            if (steps == 0) cts.Cancel();
            var trainer = ctx.MulticlassClassification.Trainers.TextClassification(new TextClassificationOptions
            {
                Sentence1ColumnName = "Text", MaxEpoch = 2, BatchSize = 10, EmbeddingDim = 16, Heads = 2, Layers = 1, FeedForwardDim = 32,
                MaxLength = 16, MinWordCount = 1, WideNgramBuckets = 64, CheckpointDirectory = dir, EncoderStartFraction = 0.5,
            });
            Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data, null, new SynchronousProgress(p => { if (p.Step == steps) cts.Cancel(); }), cts.Token));
            var saved = Checkpoint.Load(Path.Combine(dir, Checkpoint.FileName))!.Value;
            return (saved.Weights, saved.Optimizer);
        }
        Assert.AreEqual(0.8, new TextClassificationOptions().EncoderStartFraction, "the default");
        var start = CheckpointAfter(0).Weights;
        var (held, heldOptimizer) = CheckpointAfter(6);
        var (going, goingOptimizer) = CheckpointAfter(7);
        var later = CheckpointAfter(8).Weights;
        Assert.IsGreaterThan(5, start.Count);
        Assert.IsTrue(start["head.weight"].Data.All(b => b == 0), "the head starts at zero, so that the waiting encoder adds nothing to the logits");
        foreach (var (name, initial) in start)
        {
            if (name is "wide.weight" or "head.bias")
            {
                CollectionAssert.AreNotEqual(initial.Data, held[name].Data, $"{name} (the wide path and its intercept) learns from the first step");
                continue;
            }
            CollectionAssert.AreEqual(initial.Data, held[name].Data, $"{name} waits for the first 6 steps");
        }
        CollectionAssert.AreNotEqual(start["head.weight"].Data, going["head.weight"].Data, "the head learns from step 7");
        // Waiting parameters are frozen (no gradient, so the backward pass skips the encoder): Lion keeps no state for them until they start.
        Assert.AreEqual(2, heldOptimizer.Parameters.Count(p => p.State is not null), "only wide.weight and head.bias have stepped by step 6");
        Assert.AreEqual(goingOptimizer.Parameters.Count, goingOptimizer.Parameters.Count(p => p.State is not null), "every parameter has stepped by step 7");
        CollectionAssert.AreNotEqual(start["embed.weight"].Data, later["embed.weight"].Data, "the embeddings learn once the head is not zero");
    }

    [TestMethod]
    public void TextTrainer_StartsTheHeadBiasAtTheLogClassPriors()
    {
        // 40 food, 20 sports and 10 tech rows: before its first step the network predicts the class shares
        // (add-one smoothed), whatever EmbeddingDim makes of the head's random start.
        var rows = SyntheticData.Texts(300, 1).GroupBy(r => r.Label).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Zip([40, 20, 10], (g, n) => g.Take(n)).SelectMany(g => g).ToList();
        var ctx = new MLContext(seed: 2);
        var dir = TempFolder.Create();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var trainer = ctx.MulticlassClassification.Trainers.TextClassification(new TextClassificationOptions
        {
            Sentence1ColumnName = "Text", EmbeddingDim = 4, Heads = 1, Layers = 1, FeedForwardDim = 8, MaxLength = 16, WideNgramBuckets = 64,
            CheckpointDirectory = dir,
        });
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(ctx.Data.LoadFromEnumerable(rows), cancellationToken: cts.Token));
        var bias = Checkpoint.Load(Path.Combine(dir, Checkpoint.FileName))!.Value.Weights["head.bias"];
        var values = new float[3];
        Buffer.BlockCopy(bias.Data, 0, values, 0, bias.Data.Length);
        double[] expected = [Math.Log(41.0 / 73), Math.Log(21.0 / 73), Math.Log(11.0 / 73)];
        for (var c = 0; c < 3; c++) Assert.AreEqual(expected[c], values[c], 1e-6, $"class {c}");
    }

    [TestMethod]
    public void TextTrainer_SmoothsLabelsByDefault_SoThatConfidenceSettlesBelowOne()
    {
        // A separable set trained hard: without smoothing the training log-loss falls towards 0; with the text
        // default (0.1) the loss's optimum is p(true class) = 0.9 + 0.1/3, a log-loss of about 0.069.
        Assert.AreEqual(0.1, new TextClassificationOptions().LabelSmoothing);
        Assert.AreEqual(0, new ImageClassificationOptions().LabelSmoothing);
        double TrainingLogLoss(double? smoothing)
        {
            var ctx = new MLContext(seed: 1);
            var data = Texts(ctx, 90, 1);
            var options = new TextClassificationOptions
            {
                Sentence1ColumnName = "Text", MaxEpoch = 15, BatchSize = 10, EmbeddingDim = 8, Layers = 0, MinWordCount = 1, WideNgramBuckets = 64,
            };
            if (smoothing is { } s) options.LabelSmoothing = s;
            using var model = ctx.MulticlassClassification.Trainers.TextClassification(options).WithLionOptimizer(0.01).Fit(data);
            var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(data));
            Assert.AreEqual(1.0, metrics.MicroAccuracy, $"smoothing {smoothing}: the set is separable");
            return metrics.LogLoss;
        }
        var smoothed = TrainingLogLoss(null);
        var sharp = TrainingLogLoss(0);
        Assert.IsGreaterThan(0.05, smoothed, $"the default smooths the labels: training log-loss {smoothed}");
        Assert.IsLessThan(0.03, sharp, $"without smoothing the model grows fully confident: training log-loss {sharp}");
    }

    [TestMethod]
    public void WidePathNgramBuckets_AreCutToFitManyClasses()
    {
        var ctx = new MLContext(seed: 1);
        var messages = new List<string>();
        ctx.Log += (_, e) => messages.Add(e.Message);
        var rows = Enumerable.Range(0, 80).Select(i => new TextRow { Label = $"c{i % 40}", Text = $"item{i % 40} shared words here" }).ToList();
        using var model = ctx.MulticlassClassification.Trainers.TextClassification(new TextClassificationOptions
        {
            Sentence1ColumnName = "Text", MaxEpoch = 1, EmbeddingDim = 8, Layers = 0, MinWordCount = 1,
        }).Fit(ctx.Data.LoadFromEnumerable(rows));
        var buckets = ((TextInputEncoder)model.Encoder).NgramBuckets;
        Assert.AreEqual(TextClassificationTrainer.MaxWideNgramWeights / 40, buckets);
        Assert.IsLessThan(1 << 18, buckets);
        Assert.IsTrue(messages.Any(m => m.Contains($"{buckets} n-gram buckets instead of {1 << 18}")), string.Join("\n", messages));
        var wide = model.Module.NamedParameters.Single(p => p.Name == "wide.weight").Tensor.Shape;
        CollectionAssert.AreEqual(new long[] { ((TextInputEncoder)model.Encoder).InputVocabularySize, 40 }, wide);
    }

    [TestMethod]
    public void LionBeta2_OfAParameterSet_AppliesToLionOnly()
    {
        using var network = Torch.Models.TextTransformer(new TextTransformerOptions { VocabularySize = 50, Classes = 3, EmbeddingDim = 16, Heads = 2, Layers = 1, FeedForwardDim = 32, Wide = true });
        var wide = network.NamedParameters.Single(p => p.Name == "wide.weight");
        ParameterSet[] sets = [new([.. network.NamedParameters.Where(p => p != wide)], Decay: true), new([wide], Decay: true, LearningRateScale: 10, LionBeta2: 0.3)];
        using var lion = OptimizerSettings.Lion(1e-3, 0.9, 0.99, 0.1).Build(sets, null);
        Assert.AreEqual(0.99, lion.ParamGroups[0].Options["beta2"]);
        Assert.AreEqual(0.3, lion.ParamGroups[1].Options["beta2"]);
        Assert.AreEqual(1e-2, lion.ParamGroups[1].Options.LearningRate, 1e-12);
        using var adamw = OptimizerSettings.AdamW(1e-3, 0.9, 0.999, 1e-8, 0.01, false).Build(sets, null);
        Assert.AreEqual(0.999, adamw.ParamGroups[1].Options["beta2"]);
    }

    [TestMethod]
    public void ImageClassifier_LearnsTinyGrayImages_WithIntLabels()
    {
        var ctx = new MLContext(seed: 1);
        var test = ctx.Data.LoadFromEnumerable(SyntheticData.Images(90, 2));
        using var model = ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions { MaxEpoch = 3, BatchSize = 32 })
            .Fit(ctx.Data.LoadFromEnumerable(SyntheticData.Images(300, 1)));
        Assert.AreEqual(typeof(int), model.LabelType);
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.MicroAccuracy, metrics.ToString());
        var engine = ctx.Model.CreatePredictionEngine<ImageRow, ImagePrediction>(model);
        var rows = SyntheticData.Images(30, 3);
        var predicted = engine.PredictBatch(rows);
        Assert.IsGreaterThanOrEqualTo(27, predicted.Zip(rows).Count(p => p.First.PredictedLabel == p.Second.Label));
    }

    [TestMethod]
    public void ImageClassifier_LearnsLargerColorPhotos_FromEncodedBytes()
    {
        var ctx = new MLContext(seed: 1);
        var trainer = ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions { MaxEpoch = 2, BatchSize = 16 });
        using var model = trainer.Fit(ctx.Data.LoadFromEnumerable(SyntheticData.ColorImages(96, 1, width: 100, height: 80)));
        var encoder = (ImageInputEncoder)model.Encoder;
        Assert.AreEqual((64, 64, 3), (encoder.Width, encoder.Height, encoder.Channels), "photos over 64 px are resized to 64x64, color kept");
        Assert.IsTrue(encoder.Mean.All(m => m is > 0.2f and < 0.6f), "normalisation comes from the training images");
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(ctx.Data.LoadFromEnumerable(SyntheticData.ColorImages(30, 2, width: 90, height: 120))));
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.MicroAccuracy, metrics.ToString());
    }

    [TestMethod]
    public void ModelFile_RoundTrips_PredictionsAndMetadata()
    {
        var ctx = new MLContext(seed: 1);
        var test = Texts(ctx, 30, 2);
        using var model = BagTrainer(ctx, epochs: 2).Fit(Texts(ctx, 150, 1));
        var path = Path.Combine(TempFolder.Create(), "model.mlnl");
        ctx.Model.Save(model, path);
        using var loaded = ctx.Model.Load(path);
        CollectionAssert.AreEqual(model.ClassNames.ToArray(), loaded.ClassNames.ToArray());
        Assert.AreEqual("Text", loaded.InputColumnName);
        Assert.AreEqual(model.TrainingHistory!.Epochs.Count, loaded.TrainingHistory!.Epochs.Count);
        var before = model.Transform(test).Scores;
        var after = loaded.Transform(test).Scores;
        for (var i = 0; i < before.Count; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");

        var engine = ctx.Model.CreatePredictionEngine<TextRow, TopicPrediction>(loaded);
        var p = engine.Predict(new TextRow { Text = "the coach and the team won the match" });
        Assert.AreEqual("sports", p.PredictedLabel);
        Assert.AreEqual(3, p.Score.Length);
        Assert.AreEqual(1.0, p.Score.Sum(), 1e-5);
        Assert.AreEqual(3, engine.PredictBatch([new TextRow { Text = "pasta" }, new TextRow { Text = "" }, new TextRow { Text = "chip code" }]).Length);
    }

    [TestMethod]
    public void PredictionEngine_IsSafeToShareAcrossThreads()
    {
        var ctx = new MLContext(seed: 1);
        using var model = BagTrainer(ctx, epochs: 2).Fit(Texts(ctx, 150, 1));
        var engine = ctx.Model.CreatePredictionEngine<TextRow, TopicPrediction>(model);
        var rows = SyntheticData.Texts(40, 5);
        var expected = rows.Select(r => engine.Predict(r).PredictedLabel).ToArray();
        var actual = new string[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = engine.Predict(rows[i]).PredictedLabel);
        CollectionAssert.AreEqual(expected, actual);
    }

    [TestMethod]
    public void SameSeed_GivesIdenticalMetrics_DifferentSeed_DifferentWeights()
    {
        double[] Run(int seed)
        {
            var ctx = new MLContext(seed: seed);
            var test = Texts(ctx, 60, 2);
            using var model = BagTrainer(ctx, epochs: 2).Fit(Texts(ctx, 150, 1));
            return model.Transform(test).Scores.SelectMany(s => s.Select(v => (double)v)).ToArray();
        }
        CollectionAssert.AreEqual(Run(7), Run(7));
        CollectionAssert.AreNotEqual(Run(7), Run(8));
    }

    [TestMethod]
    public void Progress_ReportsEveryStep_AndEpochEndsWithWholeSetValidation()
    {
        var ctx = new MLContext(seed: 1);
        var events = new List<TrainingProgress>();
        var validation = Texts(ctx, 45, 2);
        using var model = BagTrainer(ctx, epochs: 2, o => o.BatchSize = 50).Fit(Texts(ctx, 120, 1), validation, new SynchronousProgress(events.Add));
        var steps = events.Where(e => e.Kind == TrainingProgressKind.Step).ToArray();
        Assert.HasCount(6, steps); // 120 rows / 50 per batch = 3 steps, 2 epochs
        CollectionAssert.AreEqual(new long[] { 1, 2, 3, 4, 5, 6 }, steps.Select(s => s.Step).ToArray());
        Assert.IsTrue(steps.All(s => s.TotalSteps == 6 && s.StepsPerEpoch == 3 && s.SamplesPerSecond > 0 && double.IsFinite(s.TrainingLoss)));
        Assert.IsTrue(steps[0].LearningRate < steps[1].LearningRate || steps[1].LearningRate > steps[5].LearningRate, "the schedule drives the rate");
        var ends = events.Where(e => e.Kind == TrainingProgressKind.EpochEnd).ToArray();
        Assert.HasCount(2, ends);
        Assert.AreEqual(45, ends[1].Validation!.RowCount);
        Assert.AreEqual(TimeSpan.Zero, ends[1].Eta);
        Assert.AreEqual(ends[1].Validation!.MicroAccuracy, model.TrainingHistory!.Epochs[1].ValidationAccuracy);
    }

    [TestMethod]
    public void Lookahead_TrainedModelHoldsTheSlowWeights()
    {
        // With k larger than the run, the slow weights never sync: the model must come back with its initial weights.
        var ctx = new MLContext(seed: 3);
        var data = Texts(ctx, 60, 1);
        using var untrained = BagTrainer(ctx, epochs: 1).WithSgd(learningRate: 0, momentum: 0).Fit(data);
        using var lookahead = BagTrainer(ctx, epochs: 1).WithLookahead(k: 1000, alpha: 0.5).Fit(data);
        using var plain = BagTrainer(ctx, epochs: 1).Fit(data);
        var initial = TensorArchive.Snapshot(untrained.Module);
        var slow = TensorArchive.Snapshot(lookahead.Module);
        var fast = TensorArchive.Snapshot(plain.Module);
        foreach (var (name, t) in initial)
            CollectionAssert.AreEqual(t.Data, slow[name].Data, name);
        Assert.IsTrue(initial.Any(kv => !kv.Value.Data.SequenceEqual(fast[kv.Key].Data)), "plain Lion moved the weights");
        StringAssert.StartsWith(lookahead.TrainingHistory!.Optimizer, "Lookahead(k=1000, alpha=0.5) over Lion(");
        Assert.AreEqual(2 * 4L * plain.ParameterCount, lookahead.TrainingHistory.OptimizerStateBytes);
        Assert.AreEqual(4L * plain.ParameterCount, plain.TrainingHistory!.OptimizerStateBytes);
    }

    [TestMethod]
    public void EarlyStopping_KeepsTheBestEpochsWeights()
    {
        var ctx = new MLContext(seed: 1);
        var validation = Texts(ctx, 60, 2);
        // A constant, too-high rate makes later epochs worse, so the best epoch is an early one.
        var trainer = BagTrainer(ctx, epochs: 8, o => o.EarlyStopping = new EarlyStoppingOptions { Patience = 2 })
            .WithLionOptimizer(0.3).WithLearningRateSchedule(TrainingSchedule.Constant());
        using var model = trainer.Fit(Texts(ctx, 150, 1), validation);
        var history = model.TrainingHistory!;
        var best = history.Epochs.MinBy(e => e.ValidationLogLoss)!;
        Assert.AreEqual(best.Epoch, history.SelectedEpoch);
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(validation));
        Assert.AreEqual(best.ValidationLogLoss!.Value, metrics.LogLoss, 1e-9, "the model holds the best epoch's weights");
        if (history.StoppedEarly) Assert.AreEqual(history.SelectedEpoch + 2, history.Epochs.Count);
        else Assert.AreEqual(8, history.Epochs.Count);
    }

    [TestMethod]
    public void Checkpoint_InterruptedAndResumed_EndsWithIdenticalWeights()
    {
        static TextClassificationTrainer Make(MLContext ctx, string? dir) =>
            BagTrainer(ctx, epochs: 3, o => { o.CheckpointDirectory = dir; o.Dropout = 0.3; o.BatchSize = 20; })
                .WithLookahead(k: 3);
        var ctx = new MLContext(seed: 5);
        var data = Texts(ctx, 100, 1);
        var validation = Texts(ctx, 30, 2);
        using var reference = Make(ctx, null).Fit(data, validation);

        var dir = TempFolder.Create();
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Step == 7) cts.Cancel(); });
        Assert.ThrowsExactly<OperationCanceledException>(() => Make(ctx, dir).Fit(data, validation, progress, cts.Token));
        Assert.IsTrue(File.Exists(Path.Combine(dir, "checkpoint.mlnl")), "cancellation leaves a checkpoint");

        var resumedSteps = new List<long>();
        using var resumed = Make(ctx, dir).Fit(data, validation, new SynchronousProgress(p => resumedSteps.Add(p.Step)));
        Assert.AreEqual(8, resumedSteps.First(), "resumes after the 7 steps already done");
        var a = TensorArchive.Snapshot(reference.Module);
        var b = TensorArchive.Snapshot(resumed.Module);
        foreach (var (name, t) in a) CollectionAssert.AreEqual(t.Data, b[name].Data, name);
        Assert.AreEqual(reference.TrainingHistory!.StepLosses.Count, resumed.TrainingHistory!.StepLosses.Count);
        CollectionAssert.AreEqual(reference.TrainingHistory.StepLosses.ToArray(), resumed.TrainingHistory.StepLosses.ToArray());
    }

    [TestMethod]
    public void Checkpoint_FromAnotherConfiguration_IsRefused()
    {
        var ctx = new MLContext(seed: 5);
        var data = Texts(ctx, 60, 1);
        var dir = TempFolder.Create();
        using (BagTrainer(ctx, epochs: 1, o => o.CheckpointDirectory = dir).Fit(data)) { }
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => BagTrainer(ctx, epochs: 2, o => o.CheckpointDirectory = dir).Fit(data));
        StringAssert.Contains(e.Message, "different configuration");
    }

    [TestMethod]
    public void NaNLoss_StopsWithAClearMessage_AndKeepsTheLastGoodCheckpoint()
    {
        var ctx = new MLContext(seed: 1);
        var dir = TempFolder.Create();
        var trainer = BagTrainer(ctx, epochs: 3, o => { o.CheckpointDirectory = dir; o.CheckpointEverySteps = 1; })
            .WithSgd(learningRate: 1e30, momentum: 0).WithLearningRateSchedule(TrainingSchedule.Constant());
        var e = Assert.ThrowsExactly<TrainingException>(() => trainer.Fit(Texts(ctx, 150, 1)));
        StringAssert.Contains(e.Message, "the loss became");
        StringAssert.Contains(e.Message, "last good checkpoint");
        var saved = Checkpoint.Load(Path.Combine(dir, "checkpoint.mlnl"))!.Value;
        Assert.IsGreaterThanOrEqualTo(1L, saved.State.GlobalStep);
        Assert.IsTrue(saved.Weights.Values.All(t => t.Dtype != ScalarType.Float32 || t.ToSingles().All(float.IsFinite)), "the checkpoint holds finite weights");
    }

    [TestMethod]
    public void FineTuning_StartsFromTheSavedModel()
    {
        var ctx = new MLContext(seed: 1);
        var data = Texts(ctx, 150, 1);
        using var first = BagTrainer(ctx, epochs: 2).Fit(data);
        var path = Path.Combine(TempFolder.Create(), "first.mlnl");
        first.Save(path);
        using var loaded = ctx.Model.Load(path);
        using var unchanged = BagTrainer(ctx, epochs: 1).WithSgd(learningRate: 0, momentum: 0).WithInitialModel(loaded).Fit(data);
        var a = TensorArchive.Snapshot(first.Module);
        var b = TensorArchive.Snapshot(unchanged.Module);
        foreach (var (name, t) in a) CollectionAssert.AreEqual(t.Data, b[name].Data, name);

        using var tuned = BagTrainer(ctx, epochs: 1).WithInitialModel(loaded).Fit(data);
        Assert.IsGreaterThanOrEqualTo(0.95, ctx.MulticlassClassification.Evaluate(tuned.Transform(Texts(ctx, 60, 2))).MicroAccuracy);
        var bad = new[] { new TextRow { Label = "music", Text = "guitar" }, new TextRow { Label = "food", Text = "pasta" } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => BagTrainer(ctx, 1).WithInitialModel(loaded).Fit(ctx.Data.LoadFromEnumerable(bad)));
        StringAssert.Contains(e.Message, "'music'");
    }

    [TestMethod]
    public void TorchScriptUserModule_TrainsWithLion_AndSavesAsTorchScript()
    {
        var script = Path.Combine(TempFolder.Create(), "tiny.pt");
        RunPython(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny_cnn_fixture.py"), script);
        var ctx = new MLContext(seed: 1);
        var test = ctx.Data.LoadFromEnumerable(SyntheticData.Images(60, 2));
        using var model = ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions
        {
            TorchScriptModelPath = script, MaxEpoch = 4, BatchSize = 30,
        }).WithLionOptimizer(3e-3).Fit(ctx.Data.LoadFromEnumerable(SyntheticData.Images(300, 1)));
        Assert.AreEqual("TorchScript", model.ArchitectureName);
        var accuracy = ctx.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        Assert.IsGreaterThanOrEqualTo(0.8, accuracy);
        var path = Path.Combine(TempFolder.Create(), "ts.mlnl");
        model.Save(path);
        using var loaded = ClassificationModel.Load(path);
        Assert.AreEqual(accuracy, ctx.MulticlassClassification.Evaluate(loaded.Transform(test)).MicroAccuracy);
    }

    [TestMethod]
    public void WeightDecay_ExemptsBiasesAndNormalisationWeights()
    {
        using var network = Torch.Models.TextTransformer(new TextTransformerOptions { VocabularySize = 50, Classes = 3, EmbeddingDim = 16, Heads = 2, Layers = 1, FeedForwardDim = 32 });
        var decayed = network.NamedParameters.Where(ClassificationTrainer.DecaysWeights).Select(p => p.Name).ToArray();
        var exempt = network.NamedParameters.Where(p => !ClassificationTrainer.DecaysWeights(p)).Select(p => p.Name).ToArray();
        Assert.IsTrue(exempt.All(n => n.EndsWith("bias") || n.Contains("norm")), string.Join(", ", exempt));
        Assert.IsTrue(exempt.Any(n => n.Contains("norm")) && exempt.Any(n => n.EndsWith("bias")));
        CollectionAssert.Contains(decayed, "embed.weight");
        Assert.IsTrue(decayed.All(n => n.EndsWith("weight") && !n.Contains("norm")), string.Join(", ", decayed));
    }

    [TestMethod]
    public void OptimizerChoices_AreDescribed_AndAllTrain()
    {
        var ctx = new MLContext(seed: 1);
        var data = Texts(ctx, 150, 1);
        var test = Texts(ctx, 60, 2);
        foreach (var (trainer, prefix) in new (TextClassificationTrainer, string)[]
        {
            (BagTrainer(ctx, 3).WithAdamW(learningRate: 0.03), "AdamW(lr=0.03"),
            (BagTrainer(ctx, 3).WithSgd(learningRate: 10.0), "SGD(lr=10"),
            (BagTrainer(ctx, 4).WithLookahead().WithAdamW(0.1).WithGradientClipping(1.0).WithLearningRateSchedule(TrainingSchedule.OneCycle()), "Lookahead(k=5, alpha=0.5) over AdamW("),
        })
        {
            StringAssert.StartsWith(trainer.OptimizerDescription, prefix);
            using var model = trainer.Fit(data);
            var accuracy = ctx.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
            Assert.IsGreaterThanOrEqualTo(0.9, accuracy, $"{trainer.OptimizerDescription}: {accuracy}");
        }
        StringAssert.StartsWith(ctx.MulticlassClassification.Trainers.TextClassification().OptimizerDescription, "Lion(lr=0.0003");
    }

    internal static void RunPython(params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) Assert.Fail($"python3 failed; is python3-torch installed (bash eng/install.sh)?\n{stderr}");
    }
}

/// <summary>Calls the handler on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => handler(value);
}
