using System.Globalization;
using System.Text;
using MlNetLion.Trainers;

namespace MlNetLion.Cli.Output;

/// <summary>One optimizer step of a run: its loss and (estimated) time since the run started.</summary>
internal readonly record struct StepPoint(long Step, int Epoch, double Seconds, double Loss);

/// <summary><c>history.csv</c>: one row per step and one per epoch, from a <see cref="TrainingHistory"/>.</summary>
internal static class HistoryFile
{
    public const string Header = "kind,epoch,step,seconds,loss,learning_rate,validation_accuracy,validation_log_loss";

    /// <summary>The steps, each timed by spreading its epoch's seconds (validation included) evenly over the epoch's steps.</summary>
    public static IReadOnlyList<StepPoint> Steps(TrainingHistory history)
    {
        var points = new List<StepPoint>(history.StepLosses.Count);
        long before = 0;
        double start = 0;
        foreach (var epoch in history.Epochs)
        {
            var count = epoch.Steps - before;
            for (var s = before + 1; s <= epoch.Steps && s <= history.StepLosses.Count; s++)
                points.Add(new StepPoint(s, epoch.Epoch, start + epoch.Seconds * (s - before) / count, history.StepLosses[(int)s - 1]));
            before = epoch.Steps;
            start += epoch.Seconds;
        }
        return points;
    }

    /// <summary>Each epoch with the seconds since the run started at its end.</summary>
    public static IReadOnlyList<(EpochResult Epoch, double Seconds)> Epochs(TrainingHistory history)
    {
        var total = 0.0;
        return [.. history.Epochs.Select(e => (e, total += e.Seconds))];
    }

    public static void Write(string path, TrainingHistory history)
    {
        var csv = new StringBuilder(Header).Append('\n');
        var epochs = Epochs(history);
        var steps = Steps(history);
        var next = 0;
        foreach (var (epoch, seconds) in epochs)
        {
            for (; next < steps.Count && steps[next].Epoch == epoch.Epoch; next++)
                csv.Append(Row("step", epoch.Epoch, steps[next].Step, steps[next].Seconds, steps[next].Loss, null, null, null));
            csv.Append(Row("epoch", epoch.Epoch, epoch.Steps, seconds, epoch.TrainingLoss, epoch.LearningRate, epoch.ValidationAccuracy, epoch.ValidationLogLoss));
        }
        File.WriteAllText(path, csv.ToString());
    }

    private static string Row(string kind, int epoch, long step, double seconds, double loss, double? lr, double? accuracy, double? logLoss) =>
        string.Join(',', kind, N(epoch), N(step), N(seconds), N(loss), N(lr), N(accuracy), N(logLoss)) + "\n";

    private static string N(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
}
