using MlNetLion.Evaluation;

namespace MlNetLion.Trainers;

/// <summary>What a progress event reports.</summary>
public enum TrainingProgressKind
{
    /// <summary>An optimizer step finished.</summary>
    Step,
    /// <summary>An epoch finished and, when there is a validation set, was validated (<see cref="TrainingProgress.Validation"/>).</summary>
    EpochEnd,
}

/// <summary>A progress report from <c>Fit</c>: position, training loss, learning rate, speed and ETA.</summary>
public sealed record TrainingProgress
{
    /// <summary>Step or epoch end.</summary>
    public required TrainingProgressKind Kind { get; init; }
    /// <summary>The epoch (1-based).</summary>
    public required int Epoch { get; init; }
    /// <summary>The number of epochs the run will do at most.</summary>
    public required int MaxEpoch { get; init; }
    /// <summary>Steps done in this epoch.</summary>
    public required int EpochStep { get; init; }
    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }
    /// <summary>Steps done in the whole run.</summary>
    public required long Step { get; init; }
    /// <summary>Steps the whole run will do at most.</summary>
    public required long TotalSteps { get; init; }
    /// <summary>Mean training loss over this epoch's steps so far.</summary>
    public required double TrainingLoss { get; init; }
    /// <summary>The learning rate of the first parameter group used by the last step.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Training samples per second since the run (or the resume) started.</summary>
    public required double SamplesPerSecond { get; init; }
    /// <summary>Time since the run (or the resume) started.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>Estimated time left, training and validation included.</summary>
    public required TimeSpan Eta { get; init; }
    /// <summary>Validation metrics at the end of an epoch with a validation set; otherwise null.</summary>
    public MulticlassClassificationMetrics? Validation { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}/{MaxEpoch} step {EpochStep}/{StepsPerEpoch} loss {TrainingLoss:F4} lr {LearningRate:G3} {SamplesPerSecond:F0} samples/s ETA {Eta:hh\\:mm\\:ss}"
        + (Validation is null ? "" : $" | validation accuracy {Validation.MicroAccuracy:P2} log-loss {Validation.LogLoss:F4}");
}

/// <summary>One finished epoch of a run.</summary>
public sealed record EpochResult(int Epoch, long Steps, double TrainingLoss, double LearningRate, double Seconds,
    double? ValidationAccuracy, double? ValidationLogLoss);

/// <summary>What happened during <c>Fit</c>: per-epoch results, per-step losses, the epoch whose weights were kept.</summary>
public sealed record TrainingHistory
{
    /// <summary>The epochs, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; init; } = [];
    /// <summary>Training loss of every step, in order.</summary>
    public IReadOnlyList<float> StepLosses { get; init; } = [];
    /// <summary>The epoch whose weights the model holds (the best one with early stopping, else the last).</summary>
    public int SelectedEpoch { get; init; }
    /// <summary>True when early stopping ended the run before <c>MaxEpoch</c>.</summary>
    public bool StoppedEarly { get; init; }
    /// <summary>Training rows skipped because their input could not be used (empty text, unreadable image).</summary>
    public int SkippedRows { get; init; }
    /// <summary>Validation rows skipped for the same reasons.</summary>
    public int SkippedValidationRows { get; init; }
    /// <summary>Optimizer steps skipped for non-finite gradients.</summary>
    public long SkippedSteps { get; init; }
    /// <summary>Training seconds (validation included), summed over resumed runs.</summary>
    public double Seconds { get; init; }
    /// <summary>A description of the optimizer (e.g. "Lookahead(k=5, alpha=0.5) over Lion(lr=0.0003, ...)").</summary>
    public string Optimizer { get; init; } = "";
    /// <summary>Bytes of optimizer state (momentum, slow weights, ...).</summary>
    public long OptimizerStateBytes { get; init; }
}
