using System.CommandLine;
using MlNetLion.Cli.Data;
using MlNetLion.Cli.Output;
using MlNetLion.Cli.Training;
using MlNetLion.Trainers;
using Spectre.Console;

namespace MlNetLion.Cli.Commands;

/// <summary>
/// <c>compare</c>: trains the same model on the same data and seed with several optimizers, prints a table (final
/// and best accuracy, time, time to a target accuracy, optimizer state) and draws the curves of all runs.
/// </summary>
internal static class CompareCommand
{
    public const string ComparisonFile = "comparison.json";

    /// <summary>One row of the comparison table.</summary>
    internal sealed record Row(string Optimizer, string OptimizerDescription, double FinalAccuracy, double BestAccuracy, double Seconds, double? SecondsToTarget,
        long OptimizerStateBytes, string Output)
    {
        /// <summary>The row of a run; its time to <paramref name="target"/> is at the end of the first epoch that reached it.</summary>
        public static Row From(TrainingReport r, TrainingHistory history, double target) => new(r.Optimizer, r.OptimizerDescription, r.FinalAccuracy,
            r.BestAccuracy, r.TrainingSeconds, HistoryFile.Epochs(history).FirstOrDefault(e => e.Epoch.ValidationAccuracy >= target - 1e-12) is { Epoch: not null } hit ? hit.Seconds : null,
            r.OptimizerStateBytes, r.Output);
    }

    /// <summary>What <c>--json</c> prints and <c>comparison.json</c> holds.</summary>
    internal sealed record Comparison(string Task, double TargetAccuracy, IReadOnlyList<Row> Runs, string CurvesPath);

    public static Command Create(CliConsole console, CancellationToken cancellationToken)
    {
        var data = new DataOptions("Training data: a text file (text-classification) or a folder (image-classification: label sub-folders or IDX files)", withValidation: true);
        var training = new TrainingOptions("Folder for one sub-folder per optimizer, comparison.json and curves.svg");
        var optimizers = new Option<string>("--optimizers") { Description = "Comma-separated optimizers: lion, adamw, sgd, lookahead(NAME)", DefaultValueFactory = _ => "lion,adamw,lookahead(lion),lookahead(adamw)" };
        var target = new Option<double?>("--target-accuracy") { Description = "Validation accuracy for the time-to-target column (default: the lowest best accuracy of the runs, so every run reaches it)" };
        var command = new Command("compare", "Train the same model with several optimizers (same data and seed) and compare them");
        foreach (var o in data.All.Concat(training.All).Append(optimizers).Append(target)) command.Options.Add(o);
        command.SetAction(p => console.Guard(() =>
        {
            var specs = ParseOptimizers(p.GetValue(optimizers)!);
            var source = data.Read(p);
            var kind = Directory.Exists(source.Dataset) ? TaskKind.Image : TaskKind.Text;
            var settings = training.Read(p, kind);
            var json = p.GetValue(training.Json);
            var output = p.GetValue(training.Output)!;
            if (p.GetValue(target) is { } t && t is not (> 0 and <= 1)) throw new UserErrorException($"--target-accuracy must be in (0, 1]; got {t}.");

            var trainingData = Datasets.LoadForTraining(new MLContext(settings.Seed), kind, source, settings.Seed);
            var progress = new ProgressView(console, quiet: json);
            var runs = new List<(OptimizerSpec Spec, TrainingReport Report, TrainingHistory History)>();
            foreach (var spec in specs)
            {
                try
                {
                    var (report, history) = TrainingRun.Run(new MLContext(settings.Seed), settings, spec, trainingData, Path.Combine(output, spec.Slug),
                        resume: false, progress, cancellationToken);
                    runs.Add((spec, report, history));
                }
                catch (OperationCanceledException)
                {
                    throw new OperationCanceledException($"Cancelled during {spec}; compare starts over when run again (use a training command with --resume to continue one run).");
                }
            }

            var targetAccuracy = p.GetValue(target) ?? runs.Min(r => r.Report.BestAccuracy);
            var curves = Path.GetFullPath(Path.Combine(output, TrainingRun.CurvesFile));
            Curves.Write(curves, [.. runs.Select(r => (r.Spec.ToString(), r.History))]);
            var comparison = new Comparison(kind == TaskKind.Text ? "text-classification" : "image-classification", targetAccuracy,
                [.. runs.Select(r => Row.From(r.Report, r.History, targetAccuracy))], curves);
            Json.Write(Path.Combine(output, ComparisonFile), comparison);

            if (json) console.Out.WriteLine(Json.Serialize(comparison));
            else Show(console, comparison);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static OptimizerSpec[] ParseOptimizers(string text)
    {
        var specs = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => OptimizerSpec.Parse(s, "--optimizers")).ToArray();
        if (specs.Length == 0) throw new UserErrorException("--optimizers names no optimizer.");
        return specs.Distinct().Count() == specs.Length ? specs : throw new UserErrorException($"--optimizers names an optimizer twice: '{text}'.");
    }

    private static void Show(CliConsole console, Comparison c)
    {
        var table = new Table().AddColumns("optimizer", "final accuracy", "best accuracy", "time (s)", $"time to {c.TargetAccuracy:P2} (s)", "optimizer state");
        foreach (var r in c.Runs)
            table.AddRow(Markup.Escape(r.Optimizer), $"{r.FinalAccuracy:P2}", $"{r.BestAccuracy:P2}", $"{r.Seconds:F1}",
                r.SecondsToTarget is { } s ? $"{s:F1}" : "not reached", Format.Bytes(r.OptimizerStateBytes));
        console.Ansi.Write(table);
        console.Out.WriteLine($"curves: {c.CurvesPath}");
    }
}
