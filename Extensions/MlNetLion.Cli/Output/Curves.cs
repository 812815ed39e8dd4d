using MlNetLion.Trainers;

namespace MlNetLion.Cli.Output;

/// <summary><c>curves.svg</c>: training loss and validation accuracy over time, one line per run.</summary>
internal static class Curves
{
    private const int MaxPointsPerLine = 400;

    public static void Write(string path, IReadOnlyList<(string Name, TrainingHistory History)> runs)
    {
        var loss = new SvgPlot("Training loss (moving average)", "seconds", "loss");
        var accuracy = new SvgPlot("Validation accuracy (per epoch)", "seconds", "MicroAccuracy");
        foreach (var (name, history) in runs) // the same order in both charts, so a run keeps its colour
        {
            loss.Add(name, Smooth(HistoryFile.Steps(history)).Select(p => (p.Seconds, p.Loss, 0.0)), markers: false);
            accuracy.Add(name, HistoryFile.Epochs(history).Where(e => e.Epoch.ValidationAccuracy is not null)
                .Select(e => (e.Seconds, e.Epoch.ValidationAccuracy!.Value, 0.0)));
        }
        File.WriteAllText(path, SvgPlot.Row([loss, accuracy]));
    }

    /// <summary>The loss averaged over a window of about 1/50 of the run, at most <see cref="MaxPointsPerLine"/> points.</summary>
    private static (double Seconds, double Loss)[] Smooth(IReadOnlyList<StepPoint> steps)
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
