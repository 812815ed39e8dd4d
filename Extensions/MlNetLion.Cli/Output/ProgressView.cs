using System.Diagnostics;
using System.Globalization;
using MlNetLion.Trainers;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MlNetLion.Cli.Output;

/// <summary>
/// Shows a run's progress: a live Spectre.Console bar on a terminal (epoch, step, loss, lr, samples/s, ETA),
/// plain lines without one (the first step, then every <see cref="PlainInterval"/>, and every epoch end),
/// nothing with <c>--json</c>.
/// </summary>
internal sealed class ProgressView(CliConsole console, bool quiet)
{
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="fit"/>, showing the progress it reports under the title <paramref name="title"/>.</summary>
    public T Run<T>(string title, Func<IProgress<TrainingProgress>, T> fit)
    {
        if (quiet) return fit(new Reporter(_ => { }));
        if (!console.Interactive)
        {
            var sinceLine = Stopwatch.StartNew();
            var first = true;
            return fit(new Reporter(p =>
            {
                if (p.Kind == TrainingProgressKind.Step && !first && sinceLine.Elapsed < PlainInterval) return;
                first = false;
                sinceLine.Restart();
                console.Out.WriteLine($"{title}: {Describe(p)}");
            }));
        }
        var stats = new StatsColumn();
        return console.Ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), stats)
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                return fit(new Reporter(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    task.Description = Markup.Escape($"{title} epoch {p.Epoch}/{p.MaxEpoch}");
                    stats.Text = string.Create(CultureInfo.InvariantCulture,
                        $"step {p.EpochStep}/{p.StepsPerEpoch} loss {p.TrainingLoss:F4} lr {p.LearningRate:G3} {p.SamplesPerSecond:F0}/s ETA {p.Eta:hh\\:mm\\:ss}");
                    if (p.Kind == TrainingProgressKind.EpochEnd) console.Ansi.WriteLine($"{title}: {Describe(p)}");
                }));
            });
    }

    private static string Describe(TrainingProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {p.Epoch}/{p.MaxEpoch} step {p.EpochStep}/{p.StepsPerEpoch} loss {p.TrainingLoss:F4} lr {p.LearningRate:G3} {p.SamplesPerSecond:F0} samples/s ETA {p.Eta:hh\\:mm\\:ss}")
        + (p.Validation is { } v ? string.Create(CultureInfo.InvariantCulture, $" | validation accuracy {v.MicroAccuracy:P2} log-loss {v.LogLoss:F4}") : "");

    /// <summary>The live bar's last column: step, loss, learning rate, speed and ETA.</summary>
    private sealed class StatsColumn : ProgressColumn
    {
        public string Text { get; set; } = "";

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Spectre.Console.Text(Text);
    }

    /// <summary>Reports synchronously, on the training thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
