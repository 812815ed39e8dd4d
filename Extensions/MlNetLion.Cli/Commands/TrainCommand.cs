using System.CommandLine;
using MlNetLion.Cli.Data;
using MlNetLion.Cli.Output;
using MlNetLion.Cli.Training;
using Spectre.Console;

namespace MlNetLion.Cli.Commands;

/// <summary><c>text-classification</c> and <c>image-classification</c>: train one model with one optimizer.</summary>
internal static class TrainCommand
{
    public static Command Create(TaskKind kind, CliConsole console, CancellationToken cancellationToken)
    {
        var data = new DataOptions(kind == TaskKind.Text
            ? "Training data: a delimited text file (TSV by default)"
            : "Training data: a folder with one sub-folder of images per label, or a folder of IDX files (train-*/t10k-*, optionally .gz)", withValidation: true);
        var training = new TrainingOptions("Folder for model.mlnl, metrics.json, history.csv, curves.svg and the checkpoint");
        var optimizer = new Option<string>("--optimizer") { Description = "lion, adamw or sgd (wrap it with --lookahead k,alpha)", DefaultValueFactory = _ => "lion" };
        var learningRate = new Option<double?>("--lr") { Description = "Learning rate (default: the trainer's for the optimizer, e.g. Lion 3e-4 for text, 1e-3 for images)" };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Decoupled weight decay (Lion, AdamW) or L2 (SGD); default: the trainer's" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run that was cancelled in --output (same flags)" };

        var command = new Command(kind == TaskKind.Text ? "text-classification" : "image-classification",
            kind == TaskKind.Text ? "Train a text classifier" : "Train an image classifier");
        foreach (var o in data.All.Concat(training.All).Append(optimizer).Append(learningRate).Append(weightDecay).Append(resume)) command.Options.Add(o);
        command.SetAction(p => console.Guard(() =>
        {
            var spec = OptimizerSpec.Parse(p.GetValue(optimizer)!, "--optimizer");
            if (spec.Lookahead) throw new UserErrorException("--optimizer takes lion, adamw or sgd; add --lookahead k,alpha for Lookahead.");
            spec = spec with { Lookahead = training.HasLookahead(p) };
            var settings = training.Read(p, kind, p.GetValue(learningRate), p.GetValue(weightDecay));
            var json = p.GetValue(training.Json);
            var ctx = new MLContext(settings.Seed);
            var trainingData = Datasets.LoadForTraining(ctx, kind, data.Read(p), settings.Seed);
            TrainingReport report;
            try
            {
                (report, _) = TrainingRun.Run(ctx, settings, spec, trainingData, p.GetValue(training.Output)!, p.GetValue(resume),
                    new ProgressView(console, quiet: json), cancellationToken);
            }
            catch (OperationCanceledException e)
            {
                throw new OperationCanceledException($"{e.Message} Run the same command with --resume to continue.");
            }
            if (json) console.Out.WriteLine(Json.Serialize(report));
            else Show(console, report);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Show(CliConsole console, TrainingReport r)
    {
        var m = r.Metrics;
        var table = new Table { ShowHeaders = false }.AddColumns("", "")
            .AddRow("optimizer", Markup.Escape(r.OptimizerDescription))
            .AddRow("training rows", $"{r.TrainingRows} ({m.SkippedTrainingRows} skipped)")
            .AddRow("validation", $"{Markup.Escape(r.ValidationSource)}: {m.RowCount} rows ({m.SkippedRows} skipped)")
            .AddMetrics(m)
            .AddRow("best epoch's accuracy", $"{r.BestAccuracy:P2}")
            .AddRow("training time", $"{r.TrainingSeconds:F1} s, {r.Epochs} epoch{(r.Epochs == 1 ? "" : "s")}")
            .AddRow("optimizer state", Format.Bytes(r.OptimizerStateBytes))
            .AddRow("output", Markup.Escape(r.Output));
        console.Ansi.Write(table);
    }
}
