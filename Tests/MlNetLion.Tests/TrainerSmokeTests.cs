using MlNetLion.Trainers;

namespace MlNetLion.Tests;

[TestClass]
public sealed class TrainerSmokeTests
{
    [TestMethod]
    public void Smoke()
    {
        var ctx = new MLContext(seed: 1);
        ctx.Log += (_, e) => Console.WriteLine(e);
        var train = ctx.Data.LoadFromEnumerable(SyntheticData.Texts(300, 1));
        var test = ctx.Data.LoadFromEnumerable(SyntheticData.Texts(90, 2));
        var trainer = ctx.MulticlassClassification.Trainers.TextClassification(new TextClassificationOptions
        {
            Sentence1ColumnName = "Text", Architecture = TextModelArchitecture.BagOfNgrams, MaxEpoch = 3, EmbeddingDim = 16,
        });
        using var model = trainer.Fit(train, test, new Progress<TrainingProgress>(p => { if (p.Kind == TrainingProgressKind.EpochEnd) Console.WriteLine(p); }));
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
        Console.WriteLine(metrics);
        var itrain = ctx.Data.LoadFromEnumerable(SyntheticData.Images(300, 1));
        var itest = ctx.Data.LoadFromEnumerable(SyntheticData.Images(90, 2));
        using var imodel = ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions { MaxEpoch = 3, BatchSize = 32 }).Fit(itrain, itest);
        Console.WriteLine(ctx.MulticlassClassification.Evaluate(imodel.Transform(itest)));
    }
}
