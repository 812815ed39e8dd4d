namespace MlNetLion.Optimizers;

/// <summary>
/// Linear warmup, then constant: factor(t) = min(1, (t + 1) / W). The first step uses η₀/W, step W
/// (and every later one) uses η₀; no step runs at learning rate 0.
/// </summary>
public sealed class LinearWarmupSchedule : LearningRateSchedule
{
    /// <summary>Warms up over <paramref name="warmupSteps"/> (W ≥ 1) steps.</summary>
    public LinearWarmupSchedule(Optimizer optimizer, long warmupSteps) : base(optimizer)
    {
        Require(nameof(warmupSteps), warmupSteps, 1);
        WarmupSteps = warmupSteps;
        Start();
    }

    /// <summary>W.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public override double Factor(long step) => Math.Min(1.0, (step + 1) / (double)WarmupSteps);
}
