using System.Diagnostics;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>
/// A synchronous progress sink (not <see cref="Progress{T}"/>, which posts to the thread pool) that stamps
/// the end of every training step, so a benchmark can time steps without validation and set-up.
/// </summary>
internal sealed class StepClock : IProgress<TrainingProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(long Step, double Seconds, bool EpochStart)> _steps = [];
    private bool _epochStart = true;

    public void Report(TrainingProgress value)
    {
        if (value.Kind == TrainingProgressKind.Step)
        {
            _steps.Add((value.Step, _clock.Elapsed.TotalSeconds, _epochStart));
            _epochStart = false;
        }
        else _epochStart = true;
    }

    /// <summary>Seconds from the end of step <paramref name="warmup"/> to the end of the last step, and the steps in between.</summary>
    public (double Seconds, long Steps) After(int warmup)
    {
        var first = _steps.First(s => s.Step == warmup);
        var last = _steps[^1];
        return (last.Seconds - first.Seconds, last.Step - first.Step);
    }

    /// <summary>The median time of a step (the first step of each epoch, which follows validation or set-up, left out).</summary>
    public double MedianStepSeconds()
    {
        var gaps = new List<double>();
        for (var i = 1; i < _steps.Count; i++)
            if (!_steps[i].EpochStart) gaps.Add(_steps[i].Seconds - _steps[i - 1].Seconds);
        return Stats.Median(gaps);
    }
}
