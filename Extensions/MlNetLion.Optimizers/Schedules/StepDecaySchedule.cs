namespace MlNetLion.Optimizers;

/// <summary>Multiplies the rate by γ every S steps (PyTorch's <c>StepLR</c>): factor(t) = γ^⌊t / S⌋.</summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Decays by <paramref name="gamma"/> (in (0, 1]) every <paramref name="stepSize"/> (S ≥ 1) steps.</summary>
    public StepDecaySchedule(Optimizer optimizer, long stepSize, double gamma = 0.1) : base(optimizer)
    {
        Require(nameof(stepSize), stepSize, 1);
        if (!(gamma > 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "the decay factor gamma must be in (0, 1]");
        StepSize = stepSize;
        Gamma = gamma;
        Start();
    }

    /// <summary>S.</summary>
    public long StepSize { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double Factor(long step) => Math.Pow(Gamma, step / StepSize);
}
