namespace MlNetLion.Optimizers;

/// <summary>
/// Drives the learning rate of every group of an optimizer (any optimizer, <see cref="Lookahead"/>
/// included, whose groups are its inner optimizer's). Each group's learning rate at construction is its
/// base rate η₀; before optimizer step t + 1 (t steps done) the group's rate is η₀·<see cref="Factor"/>(t).
/// Call <see cref="Step"/> once after each <see cref="Optimizer.Step"/>, like PyTorch's <c>scheduler.step()</c>.
/// </summary>
/// <example><code>
/// var schedule = new CosineDecaySchedule(opt, totalSteps: 10_000, warmupSteps: 500, minFactor: 0.1);
/// for (...) { loss.Backward(); opt.Step(); opt.ZeroGrad(); schedule.Step(); }
/// </code></example>
public abstract class LearningRateSchedule
{
    private long _steps;

    /// <summary>Captures the groups' current learning rates as base rates. Derived constructors call <see cref="Start"/> last.</summary>
    protected LearningRateSchedule(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    /// <summary>The optimizer whose groups are driven.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's learning rate when the schedule was created (η₀).</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>Optimizer steps done so far (t). Setting it (e.g. when resuming) applies the rates for that point.</summary>
    public long StepCount
    {
        get => _steps;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _steps = value;
            Apply(value);
        }
    }

    /// <summary>The multiplier of the base rates for the step after <paramref name="step"/> steps are done.</summary>
    public abstract double Factor(long step);

    /// <summary>The learning rate of group <paramref name="group"/> for the step after <paramref name="step"/> steps.</summary>
    public double LearningRateAt(long step, int group = 0) => BaseLearningRates[group] * Factor(step);

    /// <summary>Advances by one optimizer step and sets the groups' rates for the next one.</summary>
    public void Step() => StepCount = _steps + 1;

    /// <summary>Sets the rates for step 1. Call it at the end of a derived constructor.</summary>
    protected void Start() => Apply(0);

    /// <summary>Writes the rates (and anything else the schedule drives) for the step after <paramref name="step"/>.</summary>
    protected virtual void Apply(long step)
    {
        var f = Factor(step);
        var groups = Optimizer.ParamGroups;
        for (var g = 0; g < groups.Count; g++) groups[g].LearningRate = BaseLearningRates[g] * f;
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ <paramref name="min"/>.</summary>
    protected static void Require(string name, long value, long min)
    {
        if (value < min) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= {min}, got {value}");
    }
}
