namespace MlNetLion.Optimizers;

/// <summary>What <see cref="Optimizer.Step"/> does when a gradient holds NaN or ±infinity.
/// Either way nothing is updated: no weight, no momentum, no step count.</summary>
public enum NonFiniteGradientPolicy
{
    /// <summary>Throw a <see cref="NonFiniteGradientException"/> naming the parameter (the default).</summary>
    Throw = 0,

    /// <summary>Skip the whole step and return false from <see cref="Optimizer.Step"/>
    /// (<see cref="Optimizer.SkippedSteps"/> counts these), as mixed-precision loss scalers do.</summary>
    SkipStep = 1,
}
