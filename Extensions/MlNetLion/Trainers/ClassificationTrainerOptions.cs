using MlNetLion.Data;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>Settings every classification trainer shares (ML.NET's TorchSharp trainer options where a counterpart exists).</summary>
public abstract class ClassificationTrainerOptions
{
    /// <summary>The label column: string, bool, an integer type, char or an enum. Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The output column for the predicted label. Default "PredictedLabel".</summary>
    public string PredictionColumnName { get; set; } = "PredictedLabel";

    /// <summary>The output column for the per-class probabilities (float[]). Default "Score".</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Rows per optimizer step.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Passes over the training data (fewer with early stopping).</summary>
    public int MaxEpoch { get; set; } = 10;

    /// <summary>Data validated at the end of every epoch (all of it); <c>Fit</c>'s <c>validationSet</c> argument overrides it.</summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Where to train: <see cref="Torch.Device.Cpu"/>, <see cref="Torch.Device.Cuda"/>(n), or null for CUDA when available, else CPU.</summary>
    public Device? Device { get; set; }

    /// <summary>Seed for weight initialisation, shuffling and dropout. Null: the context's seed, or a random one (logged).</summary>
    public int? Seed { get; set; }

    /// <summary>CPU threads for libtorch and the optimizer (null: libtorch's default, every core).</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Stop when the validation metric stops improving and keep the best epoch's weights (needs a validation set). Null: off.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; set; }

    /// <summary>A folder for checkpoints (model, optimizer, schedule, position). When it holds one from the same
    /// configuration, <c>Fit</c> resumes from it and ends with the weights an uninterrupted run gives.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Also checkpoint every this many steps (0: only at the end of each epoch and on cancellation).</summary>
    public int CheckpointEverySteps { get; set; }

    /// <summary>Train a user's TorchScript module (<c>torch.jit.save</c>; input tensor → class logits) instead of the built-in network.</summary>
    public string? TorchScriptModelPath { get; set; }

    /// <summary>Label smoothing of the cross-entropy loss (0: none; the text trainer's default is 0.1, the image trainer's 0).</summary>
    public double LabelSmoothing { get; set; }

    /// <summary>Throws unless every setting is in range (the message names the setting).</summary>
    public virtual void Validate()
    {
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Require(MaxEpoch >= 1, nameof(MaxEpoch), MaxEpoch, "at least 1");
        Require(CheckpointEverySteps >= 0, nameof(CheckpointEverySteps), CheckpointEverySteps, "0 or more");
        Require(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), NumberOfThreads, "at least 1");
        Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), LabelSmoothing, "in [0, 1)");
        foreach (var (name, value) in new[] { (nameof(LabelColumnName), LabelColumnName), (nameof(PredictionColumnName), PredictionColumnName), (nameof(ScoreColumnName), ScoreColumnName) })
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} must name a column.", name);
        if (TorchScriptModelPath is not null && !File.Exists(TorchScriptModelPath))
            throw new FileNotFoundException($"{nameof(TorchScriptModelPath)} '{TorchScriptModelPath}' does not exist.", TorchScriptModelPath);
        if (EarlyStopping is { Patience: < 1 }) throw new ArgumentOutOfRangeException(nameof(EarlyStopping), EarlyStopping.Patience, "EarlyStopping.Patience must be at least 1.");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> unless <paramref name="ok"/>.</summary>
    protected static void Require(bool ok, string name, object? value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected}; got {value}.");
    }

    /// <summary>The settings that decide training results, for matching a checkpoint to its run.</summary>
    internal virtual string Fingerprint() =>
        $"{GetType().Name}|{LabelColumnName}|{BatchSize}|{MaxEpoch}|{LabelSmoothing}|{EarlyStopping}|{TorchScriptModelPath}";
}

/// <summary>The validation metric early stopping watches.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>Validation log-loss (lower is better).</summary>
    LogLoss,
    /// <summary>Validation micro-accuracy (higher is better).</summary>
    Accuracy,
}

/// <summary>When to stop training early: after <see cref="Patience"/> epochs without an improvement of at least <see cref="MinDelta"/>.</summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; init; } = 3;
    /// <summary>The metric watched.</summary>
    public EarlyStoppingMetric Metric { get; init; } = EarlyStoppingMetric.LogLoss;
    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; init; }
}
