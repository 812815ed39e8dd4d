namespace MlNetLion.Optimizers;

/// <summary>Keeps every group's learning rate at its base value: factor(t) = 1.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>A constant schedule over <paramref name="optimizer"/>'s groups.</summary>
    public ConstantSchedule(Optimizer optimizer) : base(optimizer) => Start();

    /// <inheritdoc />
    public override double Factor(long step) => 1;
}
