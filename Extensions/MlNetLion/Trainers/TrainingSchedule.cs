using System.Globalization;
using MlNetLion.Optimizers;

namespace MlNetLion.Trainers;

/// <summary>
/// A learning-rate schedule for a whole training run, sized when <c>Fit</c> knows the number of steps.
/// Pass one to <see cref="TrainerExtensions.WithLearningRateSchedule{T}"/>. The default is
/// <see cref="CosineDecay"/> with 5% warmup, as the Lion paper trains.
/// </summary>
public sealed record TrainingSchedule
{
    private readonly Func<Optimizer, long, LearningRateSchedule> _create;

    private TrainingSchedule(string description, Func<Optimizer, long, LearningRateSchedule> create)
    {
        Description = description;
        _create = create;
    }

    /// <summary>What the schedule does, e.g. "cosine(warmup=0.05, floor=0)".</summary>
    public string Description { get; }

    /// <summary>The schedule for <paramref name="optimizer"/> over <paramref name="totalSteps"/> steps.</summary>
    public LearningRateSchedule Create(Optimizer optimizer, long totalSteps) => _create(optimizer, totalSteps);

    /// <summary>The same learning rate throughout.</summary>
    public static TrainingSchedule Constant() => new("constant", (o, _) => new ConstantSchedule(o));

    /// <summary>Linear warmup over the first <paramref name="warmupFraction"/> of the steps, then constant.</summary>
    public static TrainingSchedule LinearWarmup(double warmupFraction = 0.05) =>
        new($"warmup({F(warmupFraction)})", (o, n) => new LinearWarmupSchedule(o, Math.Max(1, Steps(n, warmupFraction, nameof(warmupFraction)))));

    /// <summary>Linear warmup, then cosine decay to <paramref name="minFactor"/> × the base rate at the last step.</summary>
    public static TrainingSchedule CosineDecay(double warmupFraction = 0.05, double minFactor = 0) =>
        new($"cosine(warmup={F(warmupFraction)}, floor={F(minFactor)})",
            (o, n) => new CosineDecaySchedule(o, n, Math.Min(n - 1, Steps(n, warmupFraction, nameof(warmupFraction))), minFactor));

    /// <summary>Multiplies the rate by <paramref name="gamma"/> after each <paramref name="stepFraction"/> of the run.</summary>
    public static TrainingSchedule StepDecay(double stepFraction = 1.0 / 3, double gamma = 0.1) =>
        new($"step(every={F(stepFraction)}, gamma={F(gamma)})", (o, n) => new StepDecaySchedule(o, Math.Max(1, Steps(n, stepFraction, nameof(stepFraction))), gamma));

    /// <summary>One-cycle (Smith): up to the base rate over <paramref name="pctStart"/> of the run, then down; cycles β1/momentum too.</summary>
    public static TrainingSchedule OneCycle(double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4) =>
        new($"one-cycle(pct={F(pctStart)}, div={F(divFactor)}, final={F(finalDivFactor)})",
            (o, n) => new OneCycleSchedule(o, n, pctStart, divFactor, finalDivFactor));

    /// <summary>Any schedule: <paramref name="create"/> gets the optimizer and the run's total steps.</summary>
    public static TrainingSchedule Custom(Func<Optimizer, long, LearningRateSchedule> create, string description)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        return new(description, create);
    }

    private static long Steps(long total, double fraction, string name) =>
        fraction is >= 0 and <= 1 ? (long)Math.Round(total * fraction) : throw new ArgumentOutOfRangeException(name, fraction, $"{name} must be in [0, 1].");

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => Description;
}
