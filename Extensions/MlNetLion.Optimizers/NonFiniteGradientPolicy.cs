namespace MlNetLion.Optimizers;

/// <summary>What <see cref="Optimizer.Step"/> does when a gradient holds NaN or ±infinity. Either way no
/// NaN/±∞ is written into a weight or the optimizer state, and <see cref="Optimizer.StepCount"/> does not
/// advance; the policies differ in whether the rest of the step may already have been applied.</summary>
public enum NonFiniteGradientPolicy
{
    /// <summary>
    /// Throw a <see cref="NonFiniteGradientException"/> naming the parameter (the lowest-index one if several;
    /// the default). On the built-in optimizers' fused CPU path the check is folded into the update kernels
    /// (no separate pass over the gradients), so a rejected step may be PARTIALLY applied: other parameters,
    /// and other parts of the bad parameter, may already hold their updated weights and state
    /// (<see cref="NonFiniteGradientException.MayBePartiallyApplied"/>). Meant for a run that stops, or
    /// restores weights and optimizer state from a checkpoint, on the exception. On the tensor-op path and
    /// for optimizers derived outside this library nothing changes, as under <see cref="SkipStep"/>.
    /// </summary>
    Throw = 0,

    /// <summary>Check every gradient before anything is updated (one extra read of each gradient), and skip
    /// the whole step when one is not finite: nothing changes (no weight, no state, no step count), and
    /// <see cref="Optimizer.Step"/> returns false (<see cref="Optimizer.SkippedSteps"/> counts these), as
    /// mixed-precision loss scalers do.</summary>
    SkipStep = 1,
}
