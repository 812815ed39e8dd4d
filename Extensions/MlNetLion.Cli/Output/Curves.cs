using MlNetLion.Trainers;

namespace MlNetLion.Cli.Output;

/// <summary><c>curves.svg</c>: training loss and validation accuracy over time, one line per run.</summary>
internal static class Curves
{
    private const int MaxPointsPerLine = 400;

    public static void Write(string path, IReadOnlyList<(string Name, TrainingHistory History)> runs) => SvgChart.Write(path,
    [
        new ChartPanel("Training loss (moving average)", "seconds", "loss",
            [.. runs.Select(r => new Series(r.Name, Smooth(HistoryFile.Steps(r.History))))]),
        new ChartPanel("Validation accuracy (per epoch)", "seconds", "MicroAccuracy",
            [.. runs.Select(r => new Series(r.Name,
                [.. HistoryFile.Epochs(r.History).Where(e => e.Epoch.ValidationAccuracy is not null).Select(e => (e.Seconds, e.Epoch.ValidationAccuracy!.Value))],
                Markers: true))]),
    ]);

    /// <summary>The loss averaged over a window of about 1/50 of the run, at most <see cref="MaxPointsPerLine"/> points.</summary>
    private static (double, double)[] Smooth(IReadOnlyList<StepPoint> steps)
    {
        if (steps.Count == 0) return [];
        var window = Math.Max(1, steps.Count / 50);
        var stride = Math.Max(1, steps.Count / MaxPointsPerLine);
        var result = new List<(double, double)>();
        var sum = 0.0;
        for (var i = 0; i < steps.Count; i++)
        {
            sum += steps[i].Loss;
            if (i >= window) sum -= steps[i - window].Loss;
            if (i % stride == 0 || i == steps.Count - 1) result.Add((steps[i].Seconds, sum / Math.Min(i + 1, window)));
        }
        return [.. result];
    }
}
