using MlNetLion.Cli.Data;
using MlNetLion.Cli.Output;

namespace MlNetLion.Cli.Training;

/// <summary>
/// One training run into an output folder: fits with live progress, checkpointing into <c>checkpoint/</c> (kept
/// when cancelled, for <c>--resume</c>; removed when the run completes), evaluates on the validation set and
/// writes <c>model.mlnl</c>, <c>metrics.json</c>, <c>history.csv</c> and <c>curves.svg</c>.
/// </summary>
internal static class TrainingRun
{
    public const string ModelFile = "model.mlnl";
    public const string MetricsFile = "metrics.json";
    public const string HistoryFileName = "history.csv";
    public const string CurvesFile = "curves.svg";
    public const string CheckpointFolder = "checkpoint";

    /// <summary>The run's report and its training history (for <c>compare</c>'s curves).</summary>
    public static (TrainingReport Report, Trainers.TrainingHistory History) Run(MLContext ctx, TrainSettings settings, OptimizerSpec optimizer,
        TrainingData data, string output, bool resume, ProgressView progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        var checkpoint = Path.Combine(output, CheckpointFolder);
        if (resume && !(Directory.Exists(checkpoint) && Directory.EnumerateFiles(checkpoint).Any()))
            throw new UserErrorException($"--resume: there is no checkpoint in '{checkpoint}' to resume from; run without --resume to start.");
        if (!resume && Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);

        var trainer = settings.CreateTrainer(ctx, optimizer, checkpoint);
        ClassificationModel model;
        try
        {
            model = progress.Run(optimizer.ToString(), p => trainer.Fit(data.Train.Rows, data.Validation.Rows, p, cancellationToken));
        }
        catch (OperationCanceledException)
        {
            throw new OperationCanceledException($"Cancelled; the checkpoint is kept in '{checkpoint}'.");
        }
        catch (InvalidOperationException e) when (resume)
        {
            throw new UserErrorException($"--resume: {e.Message}");
        }

        using (model)
        {
            var history = model.TrainingHistory!;
            var classes = model.ClassNames.Count;
            var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(data.Validation.Rows), topKPredictionCount: Math.Min(5, classes));
            var modelPath = Path.GetFullPath(Path.Combine(output, ModelFile));
            ctx.Model.Save(model, modelPath);
            var report = new TrainingReport
            {
                Optimizer = optimizer.ToString(),
                OptimizerDescription = history.Optimizer,
                Output = Path.GetFullPath(output),
                ModelPath = modelPath,
                TrainingRows = data.Train.Rows.Count,
                ValidationSource = data.ValidationSource,
                Epochs = history.Epochs.Count,
                TrainingSeconds = history.Seconds,
                OptimizerStateBytes = history.OptimizerStateBytes,
                FinalAccuracy = metrics.MicroAccuracy,
                BestAccuracy = history.Epochs.Max(e => e.ValidationAccuracy ?? 0),
                Metrics = MetricsReport.From(metrics, data.Validation.SkippedRows,
                    data.Train.SkippedRows + history.SkippedRows),
            };
            Json.Write(Path.Combine(output, MetricsFile), report.Metrics);
            HistoryFile.Write(Path.Combine(output, HistoryFileName), history);
            Curves.Write(Path.Combine(output, CurvesFile), [(optimizer.ToString(), history)]);
            if (Directory.Exists(checkpoint)) Directory.Delete(checkpoint, recursive: true);
            return (report, history);
        }
    }
}
