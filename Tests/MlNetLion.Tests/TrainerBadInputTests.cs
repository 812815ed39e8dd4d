using MlNetLion.Data;
using MlNetLion.Torch;
using MlNetLion.Trainers;

namespace MlNetLion.Tests;

public sealed class NumberTextRow
{
    public double Label { get; set; }
    public string Text { get; set; } = "";
}

public sealed class BytesTextRow
{
    public string Label { get; set; } = "";
    public byte[] Text { get; set; } = [];
}

public sealed class BoolTextRow
{
    public bool Label { get; set; }
    public string Text { get; set; } = "";
}

public sealed class BoolPrediction
{
    public bool PredictedLabel { get; set; }
}

public sealed class WrongPrediction
{
    public string Answer { get; set; } = "";
}

[TestClass]
public sealed class TrainerBadInputTests
{
    private static readonly MLContext Ctx = new(seed: 1);

    [TestMethod]
    public void MissingColumn_NamesItAndListsTheExistingOnes()
    {
        var trainer = TrainerTests.BagTrainer(Ctx, configure: o => o.Sentence1ColumnName = "Body");
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(TrainerTests.Texts(Ctx, 30, 1)));
        StringAssert.Contains(e.Message, "'Body'");
        StringAssert.Contains(e.Message, "'Label' (String), 'Text' (String)");
        var labels = TrainerTests.BagTrainer(Ctx, configure: o => o.LabelColumnName = "Topic");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => labels.Fit(TrainerTests.Texts(Ctx, 30, 1))).Message, "label column 'Topic' was not found");
    }

    [TestMethod]
    public void WrongColumnTypes_AreNamed()
    {
        var bytes = Ctx.Data.LoadFromEnumerable([new BytesTextRow { Label = "a" }]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => TrainerTests.BagTrainer(Ctx).Fit(bytes));
        StringAssert.Contains(e.Message, "'Text' has type Byte[]; expected String");
        var doubles = Ctx.Data.LoadFromEnumerable([new NumberTextRow { Label = 1.5, Text = "x" }]);
        e = Assert.ThrowsExactly<ArgumentException>(() => TrainerTests.BagTrainer(Ctx).Fit(doubles));
        StringAssert.Contains(e.Message, "label column 'Label' has type Double");
    }

    [TestMethod]
    public void EmptyData_SingleClass_AndEmptyTexts()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            TrainerTests.BagTrainer(Ctx).Fit(Ctx.Data.LoadFromEnumerable(new List<TextRow>()))).Message, "empty");
        var one = Ctx.Data.LoadFromEnumerable(SyntheticData.Texts(30, 1).Where(r => r.Label == "food"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TrainerTests.BagTrainer(Ctx).Fit(one)).Message, "single class ('food')");

        var rows = SyntheticData.Texts(60, 1);
        rows[3].Text = "";
        rows[10].Text = "   ";
        using var model = TrainerTests.BagTrainer(Ctx, 1).Fit(Ctx.Data.LoadFromEnumerable(rows));
        Assert.AreEqual(2, model.TrainingHistory!.SkippedRows, "empty texts are skipped and counted");
        var allEmpty = rows.Select(r => new TextRow { Label = r.Label, Text = "" });
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            TrainerTests.BagTrainer(Ctx).Fit(Ctx.Data.LoadFromEnumerable(allEmpty))).Message, "the text is empty");
    }

    [TestMethod]
    public void NonUtf8TextFile_IsAnErrorNamingTheLine()
    {
        var path = TempFolder.WriteFile("bad.tsv", [.. "Label\tText\nfood\tpasta\n"u8.ToArray(), .. "food\t"u8.ToArray(), 0xC3, 0x28, (byte)'\n']);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Ctx.Data.LoadFromTextFile<TextRow>(path, hasHeader: true));
        StringAssert.Contains(e.Message, "line 3", e.Message);
        StringAssert.Contains(e.Message, "UTF-8");
    }

    [TestMethod]
    public void UnknownLabel_AtEvaluation_AndInValidation_IsNamed()
    {
        using var model = TrainerTests.BagTrainer(Ctx, 1).Fit(TrainerTests.Texts(Ctx, 60, 1));
        var rows = SyntheticData.Texts(6, 2);
        rows[4].Label = "music";
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ctx.MulticlassClassification.Evaluate(model.Transform(Ctx.Data.LoadFromEnumerable(rows))));
        StringAssert.Contains(e.Message, "Unknown label 'music' in row 4");
        StringAssert.Contains(e.Message, "'food', 'sports', 'tech'");
        e = Assert.ThrowsExactly<ArgumentException>(() => TrainerTests.BagTrainer(Ctx, 1).Fit(TrainerTests.Texts(Ctx, 60, 1), Ctx.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "validation row 4");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ctx.MulticlassClassification.Evaluate(TrainerTests.Texts(Ctx, 3, 1))).Message, "model.Transform");
    }

    [TestMethod]
    public void CorruptImages_AreSkippedAndCounted_OrAnError_ByOption()
    {
        var folder = TempFolder.Create();
        var images = SyntheticData.Images(60, 1);
        for (var i = 0; i < images.Count; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(folder, $"class{images[i].Label}")).FullName;
            using var t = Tensor.From<byte>(images[i].Image.Pixels, 1, 8, 8);
            using var f = t.To(ScalarType.Float32);
            using var scaled = f.Div(255);
            ImageEncoder.Save(scaled, Path.Combine(dir, $"{i:D3}.png"));
        }
        File.WriteAllBytes(Path.Combine(folder, "class0", "broken.png"), [1, 2, 3, 4]);
        File.WriteAllBytes(Path.Combine(folder, "class1", "empty.jpg"), []);
        var data = Ctx.Data.LoadImagesFromDirectory(folder);
        var options = new ImageClassificationOptions { ImageColumnName = nameof(ImageFileRow.ImagePath), MaxEpoch = 1, BatchSize = 16 };
        using var model = Ctx.MulticlassClassification.Trainers.ImageClassification(options).Fit(data);
        Assert.AreEqual(2, model.TrainingHistory!.SkippedRows);
        CollectionAssert.AreEqual(new[] { "class0", "class1", "class2" }, model.ClassNames.ToArray());

        options.BadImages = BadImagePolicy.Throw;
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Ctx.MulticlassClassification.Trainers.ImageClassification(options).Fit(data));
        StringAssert.Contains(e.Message, "broken.png");
        // scoring: the two files are left unscored (NaN scores, no label), Evaluate leaves them out and counts them
        var scored = model.Transform(data);
        Assert.HasCount(2, scored.UnscoredRows);
        foreach (var (row, _) in scored.UnscoredRows)
        {
            StringAssert.Matches(((ImageFileRow)data.GetRow(row)).ImagePath, new System.Text.RegularExpressions.Regex("(broken.png|empty.jpg)$"));
            Assert.IsTrue(scored.Scores[row].All(float.IsNaN));
            Assert.IsNull(scored.PredictedLabels[row]);
        }
        Assert.IsTrue(scored.Scores.Where((_, i) => !scored.UnscoredRows.ContainsKey(i)).All(s => Math.Abs(s.Sum() - 1) < 1e-4));
        var metrics = Ctx.MulticlassClassification.Evaluate(scored);
        Assert.AreEqual(60, metrics.RowCount);
        Assert.AreEqual(2, metrics.SkippedRows);
        var scoring = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(data, throwOnUnusableRows: true));
        StringAssert.Contains(scoring.Message, "cannot be scored");
        var onlyBroken = Ctx.Data.LoadFromEnumerable(data.Rows.Where(r => r.ImagePath.EndsWith("broken.png", StringComparison.Ordinal)).ToList());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ctx.MulticlassClassification.Evaluate(model.Transform(onlyBroken))).Message,
            "None of the 1 rows could be scored");
    }

    [TestMethod]
    public void BoolLabels_MapBackToBool()
    {
        var rows = SyntheticData.Texts(90, 1).Select(r => new BoolTextRow { Label = r.Label == "food", Text = r.Text });
        using var model = TrainerTests.BagTrainer(Ctx, 2).Fit(Ctx.Data.LoadFromEnumerable(rows));
        var engine = Ctx.Model.CreatePredictionEngine<BoolTextRow, BoolPrediction>(model);
        Assert.IsTrue(engine.Predict(new BoolTextRow { Text = "pasta sauce recipe" }).PredictedLabel);
        Assert.IsFalse(engine.Predict(new BoolTextRow { Text = "team coach goal" }).PredictedLabel);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ctx.Model.CreatePredictionEngine<BoolTextRow, WrongPrediction>(model)).Message, "'PredictedLabel'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ctx.Model.CreatePredictionEngine<ImageRow, BoolPrediction>(model)).Message, "input column 'Text'");
    }

    [TestMethod]
    public void CorruptTensorArchives_GiveInvalidDataErrors_ThatNameTheField()
    {
        // One tensor "w" of two floats: magic (8) · version (4) · count (4) · name (2) · dtype (4) · rank at 22 ·
        // shape at 26 (its high half at 30) · byte count at 34 · data at 38.
        var stream = new MemoryStream();
        TensorArchive.Write(stream, new Dictionary<string, MlNetLion.Optimizers.StateTensor>
        {
            ["w"] = new(ScalarType.Float32, [2], new byte[8]),
        });
        var good = stream.ToArray();
        Assert.HasCount(1, TensorArchive.Read(new MemoryStream(good), "test"));
        byte[] With(int offset, int value)
        {
            var bytes = good.ToArray();
            BitConverter.TryWriteBytes(bytes.AsSpan(offset), value);
            return bytes;
        }
        foreach (var (bytes, field) in new[] { (With(12, -5), "tensor count"), (With(22, -1), "rank of tensor 'w'"), (With(22, 1000), "rank of tensor 'w'"),
                     (With(30, -1), "shape of tensor 'w'"), (With(34, -8), "byte count of tensor 'w'") })
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TensorArchive.Read(new MemoryStream(bytes), "test")).Message, field);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TensorArchive.Read(new MemoryStream(good[..20]), "test")).Message, "truncated");
    }

    [TestMethod]
    public void WrongOrCorruptModelFiles_GiveClearErrors_AndSavingIsAtomic()
    {
        var dir = TempFolder.Create();
        Assert.ThrowsExactly<FileNotFoundException>(() => Ctx.Model.Load(Path.Combine(dir, "missing.mlnl")));
        var text = Path.Combine(dir, "notes.txt");
        File.WriteAllText(text, "not a model");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Ctx.Model.Load(text)).Message, "not a readable mlnet-lion model file");

        using var model = TrainerTests.BagTrainer(Ctx, 1).Fit(TrainerTests.Texts(Ctx, 60, 1));
        var path = Path.Combine(dir, "model.mlnl");
        model.Save(path);
        var good = File.ReadAllBytes(path);
        var damaged = good.ToArray();
        for (var i = damaged.Length / 3; i < damaged.Length / 3 + 64; i++) damaged[i] ^= 0x5A;
        var broken = Path.Combine(dir, "damaged.mlnl");
        File.WriteAllBytes(broken, damaged);
        Assert.ThrowsExactly<InvalidDataException>(() => Ctx.Model.Load(broken));
        File.WriteAllBytes(broken, good[..(good.Length / 2)]);
        Assert.ThrowsExactly<InvalidDataException>(() => Ctx.Model.Load(broken));

        // A save that fails part-way leaves the existing file as it was.
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        Assert.Throws<Exception>(() => model.Save(Path.Combine(dir, "sub")));
        CollectionAssert.AreEqual(good, File.ReadAllBytes(path));
        Assert.IsEmpty(Directory.GetFiles(dir, "*.tmp"));
    }

    [TestMethod]
    public void InvalidOptions_AreNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainerTests.BagTrainer(Ctx, configure: o => o.BatchSize = 0).Fit(TrainerTests.Texts(Ctx, 30, 1))).Message, "BatchSize");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TrainerTests.BagTrainer(Ctx, configure: o => o.EarlyStopping = new EarlyStoppingOptions()).Fit(TrainerTests.Texts(Ctx, 30, 1))).Message, "validation set");
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => Ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions { TorchScriptModelPath = "/nonexistent.pt" })
            .Fit(Ctx.Data.LoadFromEnumerable(SyntheticData.Images(9, 1)))).Message, "TorchScriptModelPath");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainerTests.BagTrainer(Ctx).WithLookahead(k: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainerTests.BagTrainer(Ctx).WithGradientClipping(-1));
        if (Torch.Torch.CudaDeviceCount == 0)
            StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => Device.Cuda(0)).Message, "CUDA");
    }
}
