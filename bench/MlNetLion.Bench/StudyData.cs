using MlNetLion.Data;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>One training run's outcome, as the studies record it.</summary>
internal sealed record RunResult(string Dataset, string Optimizer, double LearningRate, double? WeightDecay, int Seed, int Batch, int Width,
    long Parameters, IReadOnlyList<EpochResult> Epochs, double StepSeconds, long OptimizerStateBytes, double Seconds)
{
    public double FinalAccuracy => Epochs[^1].ValidationAccuracy ?? double.NaN;
    public double BestAccuracy => Epochs.Max(e => e.ValidationAccuracy ?? double.NaN);
    public double FinalLogLoss => Epochs[^1].ValidationLogLoss ?? double.NaN;

    /// <summary>Training seconds (epochs' wall time, validation included) until the validation accuracy first reached <paramref name="target"/>; null if never.</summary>
    public double? SecondsToTarget(double target)
    {
        var seconds = 0.0;
        foreach (var e in Epochs)
        {
            seconds += e.Seconds;
            if (e.ValidationAccuracy >= target) return seconds;
        }
        return null;
    }
}

/// <summary>A data set cut to a study's size, and how to train a classifier on it with one optimizer.</summary>
internal sealed class StudyData(string name, string config, int trainRows, int testRows, Func<OptimizerChoice, int, int, int, StepClock, ClassificationModel> fit)
{
    public string Name => name;
    /// <summary>Where finished runs are kept (null: nowhere).</summary>
    public RunCache? Cache { get; set; }
    public int TrainRows => trainRows;
    public int TestRows => testRows;

    /// <summary>Fashion-MNIST with the default image model (a residual CNN of the given width).</summary>
    public static StudyData FashionMnist(int train, int test, int epochs)
    {
        var (trainSet, testSet) = BenchData.FashionMnist(new MLContext(seed: 1), train, test);
        return new("Fashion-MNIST", $"{epochs} epochs", trainSet.Count, testSet.Count, (choice, seed, batch, width, clock) =>
        {
            var ctx = new MLContext(seed);
            var trainer = ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions
            {
                LabelColumnName = "Label", ImageColumnName = "Image", MaxEpoch = epochs, BatchSize = batch, Seed = seed, ModelWidth = width,
            });
            return choice.ApplyTo(trainer).Fit(trainSet, testSet, clock);
        });
    }

    /// <summary>SpamAssassin (bodies, easy ham + spam) with the default text model, texts cut to <paramref name="maxLength"/> tokens.</summary>
    public static StudyData SpamAssassin(int train, int test, int epochs, int maxLength)
    {
        var (trainSet, testSet) = BenchData.SpamAssassin(new MLContext(seed: 1), train, test);
        return new("SpamAssassin", $"{epochs} epochs, {maxLength} tokens", trainSet.Count, testSet.Count, (choice, seed, batch, _, clock) =>
        {
            var ctx = new MLContext(seed);
            var trainer = ctx.MulticlassClassification.Trainers.TextClassification(new TextClassificationOptions
            {
                LabelColumnName = "Label", Sentence1ColumnName = "Text", MaxEpoch = epochs, BatchSize = batch, Seed = seed, MaxLength = maxLength,
            }.WithDocumentedTextModel()); // so that the studies' cached runs and numbers still hold
            return choice.ApplyTo(trainer).Fit(trainSet, testSet, clock);
        });
    }

    /// <summary>Trains once and returns what the studies need (the network is disposed).</summary>
    public RunResult Train(OptimizerChoice choice, int seed, int batch, int width = 16) =>
        Cache is null ? TrainNow(choice, seed, batch, width)
            : Cache.GetOrTrain($"{name} {trainRows}/{testRows} rows, {config}, {choice}, seed {seed}, batch {batch}, width {width}", () => TrainNow(choice, seed, batch, width));

    private RunResult TrainNow(OptimizerChoice choice, int seed, int batch, int width)
    {
        var clock = new StepClock();
        using var model = fit(choice, seed, batch, width, clock);
        var h = model.TrainingHistory!;
        var result = new RunResult(Name, choice.Name, choice.LearningRate ?? double.NaN, choice.WeightDecay, seed, batch, width,
            model.ParameterCount, h.Epochs, clock.MedianStepSeconds(), h.OptimizerStateBytes, h.Seconds);
        Console.Error.WriteLine($"  {Name} {choice} seed {seed} batch {batch} width {width}: acc {result.FinalAccuracy:P2} (best {result.BestAccuracy:P2}), " +
            $"logloss {result.FinalLogLoss:F4}, {result.Seconds:F1} s, step {result.StepSeconds * 1e3:F1} ms, load {Stats.LoadAverage():F2}");
        return result;
    }
}
