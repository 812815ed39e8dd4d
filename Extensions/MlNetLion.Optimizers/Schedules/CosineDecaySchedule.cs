namespace MlNetLion.Optimizers;

/// <summary>
/// Optional linear warmup over W steps, then cosine decay to a floor at step T:
/// <code>
/// factor(t) = (t + 1) / W                                   for t &lt; W
/// factor(t) = f_min + (1 − f_min)·(1 + cos(π·p)) / 2        p = min(1, (t − W) / (T − W)), for t ≥ W
/// </code>
/// so the rate is η₀ at the first step after warmup and η₀·f_min from step T on.
/// </summary>
public sealed class CosineDecaySchedule : LearningRateSchedule
{
    /// <summary>Cosine decay over <paramref name="totalSteps"/> (T &gt; W), after <paramref name="warmupSteps"/>
    /// (W ≥ 0) of warmup, down to <paramref name="minFactor"/>·η₀ (f_min ∈ [0, 1]).</summary>
    public CosineDecaySchedule(Optimizer optimizer, long totalSteps, long warmupSteps = 0, double minFactor = 0) : base(optimizer)
    {
        Require(nameof(warmupSteps), warmupSteps, 0);
        Require(nameof(totalSteps), totalSteps, warmupSteps + 1);
        if (minFactor is < 0 or > 1 or double.NaN)
            throw new ArgumentOutOfRangeException(nameof(minFactor), minFactor, "the floor, as a fraction of the base learning rate, must be in [0, 1]");
        TotalSteps = totalSteps;
        WarmupSteps = warmupSteps;
        MinFactor = minFactor;
        Start();
    }

    /// <summary>T.</summary>
    public long TotalSteps { get; }

    /// <summary>W.</summary>
    public long WarmupSteps { get; }

    /// <summary>f_min: the floor as a fraction of the base rate.</summary>
    public double MinFactor { get; }

    /// <inheritdoc />
    public override double Factor(long step)
    {
        if (step < WarmupSteps) return (step + 1) / (double)WarmupSteps;
        var progress = Math.Min(1.0, (step - WarmupSteps) / (double)(TotalSteps - WarmupSteps));
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
