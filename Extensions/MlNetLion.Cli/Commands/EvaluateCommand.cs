using System.CommandLine;
using MlNetLion.Cli.Data;
using MlNetLion.Cli.Output;
using Spectre.Console;

namespace MlNetLion.Cli.Commands;

/// <summary><c>evaluate</c>: ML.NET's multiclass metrics of a model on a data set.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model", "-m") { Description = "A model file written by a training command", Required = true };
        var data = new DataOptions("Data to evaluate on: a text file, an image folder, or an IDX folder (its t10k set)", withValidation: false);
        var json = new Option<bool>("--json") { Description = "Print the metrics as JSON only" };
        var command = new Command("evaluate", "Evaluate a model on a data set (MicroAccuracy, LogLoss, ... and the confusion table)");
        foreach (var o in data.All.Prepend(model).Append(json)) command.Options.Add(o);
        command.SetAction(p => console.Guard(() =>
        {
            var ctx = new MLContext(1);
            var (loaded, kind) = ModelFile.Load(ctx, p.GetValue(model)!);
            using var _ = loaded;
            var source = data.Read(p);
            var set = Datasets.Load(ctx, kind, source.Dataset, "--dataset", source.Format, source.MaxRows, seed: 1);
            var metrics = ctx.MulticlassClassification.Evaluate(loaded.Transform(set.Rows), topKPredictionCount: Math.Min(5, loaded.ClassNames.Count));
            var report = MetricsReport.From(metrics, set.SkippedRows);
            if (p.GetValue(json))
            {
                console.Out.WriteLine(Json.Serialize(report));
                return ExitCodes.Ok;
            }
            console.Ansi.Write(new Table().AddColumns("metric", "value").AddMetrics(report)
                .AddRow("rows", $"{report.RowCount} ({report.SkippedRows} skipped)"));
            console.Out.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
            return ExitCodes.Ok;
        }));
        return command;
    }
}
