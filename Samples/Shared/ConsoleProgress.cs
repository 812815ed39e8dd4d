using MlNetLion.Trainers;

namespace MlNetLion.Samples;

/// <summary>
/// A console progress bar for <c>Fit</c>: redrawn in place on a terminal, plain lines otherwise (CI logs).
/// Epoch ends print a line with the validation metrics.
/// </summary>
public sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    private readonly bool _redraw = !Console.IsOutputRedirected;
    private DateTime _lastPlain = DateTime.MinValue;

    /// <inheritdoc />
    public void Report(TrainingProgress p)
    {
        if (p.Kind == TrainingProgressKind.EpochEnd)
        {
            var line = $"epoch {p.Epoch}/{p.MaxEpoch}: loss {p.TrainingLoss:F4}, {p.SamplesPerSecond:F0} samples/s, {p.Elapsed:mm\\:ss} elapsed" +
                (p.Validation is { } v ? $", validation accuracy {v.MicroAccuracy:P2}, log-loss {v.LogLoss:F4}" : "");
            Console.WriteLine(_redraw ? $"\r{line,-110}" : line);
            return;
        }
        var text = $"epoch {p.Epoch}/{p.MaxEpoch} {Bar(p.EpochStep, p.StepsPerEpoch)} {p.EpochStep}/{p.StepsPerEpoch} loss {p.TrainingLoss:F4} lr {p.LearningRate:G3} {p.SamplesPerSecond:F0}/s ETA {p.Eta:mm\\:ss}";
        if (_redraw) Console.Write($"\r{text,-110}");
        else if (DateTime.UtcNow - _lastPlain > TimeSpan.FromSeconds(15))
        {
            Console.WriteLine(text);
            _lastPlain = DateTime.UtcNow;
        }
    }

    private static string Bar(int done, int total)
    {
        const int width = 24;
        var filled = total == 0 ? 0 : (int)((long)done * width / total);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
