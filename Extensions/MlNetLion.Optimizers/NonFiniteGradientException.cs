namespace MlNetLion.Optimizers;

/// <summary>
/// A gradient held NaN or ±infinity under <see cref="NonFiniteGradientPolicy.Throw"/>; the step was rejected.
/// No NaN/±∞ was written anywhere and <see cref="Optimizer.StepCount"/> did not advance, but when
/// <see cref="MayBePartiallyApplied"/> is true the step may have been partially applied (see there).
/// </summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for parameter <paramref name="parameterIndex"/> of group <paramref name="groupIndex"/>.</summary>
    public NonFiniteGradientException(int parameterIndex, int groupIndex, string parameterName, long[] shape)
        : this(parameterIndex, groupIndex, parameterName, shape, mayBePartiallyApplied: false) { }

    /// <summary>Creates the exception; <paramref name="mayBePartiallyApplied"/>: see <see cref="MayBePartiallyApplied"/>.</summary>
    public NonFiniteGradientException(int parameterIndex, int groupIndex, string parameterName, long[] shape, bool mayBePartiallyApplied)
        : base($"The gradient of parameter {parameterIndex}{(parameterName.Length > 0 ? $" '{parameterName}'" : "")} " +
               $"(group {groupIndex}, shape [{string.Join(", ", shape)}]) contains NaN or infinity; the step was rejected. " +
               (mayBePartiallyApplied
                   ? "It may be partially applied: no NaN/infinity was written, but other weights and optimizer state may " +
                     "already hold this step's values. Stop training or restore weights and optimizer state from a checkpoint. "
                   : "No weight or optimizer state changed. ") +
               "Lower the learning rate or clip gradients, or set NonFiniteGradients = NonFiniteGradientPolicy.SkipStep " +
               "to check before updating and skip such steps.")
    {
        ParameterIndex = parameterIndex;
        GroupIndex = groupIndex;
        ParameterName = parameterName;
        MayBePartiallyApplied = mayBePartiallyApplied;
    }

    /// <summary>Position of the parameter in the optimizer (all groups, in order); the lowest such position
    /// when several gradients are not finite.</summary>
    public int ParameterIndex { get; }

    /// <summary>Position of its group.</summary>
    public int GroupIndex { get; }

    /// <summary>Its name, or "".</summary>
    public string ParameterName { get; }

    /// <summary>
    /// True when the step was rejected by the check inside the fused update kernels (built-in optimizers,
    /// CPU float32 contiguous tensors): other parameters, and other slices of this parameter, may already hold this step's weights and optimizer state (and AdamW's per-parameter
    /// step counts have advanced), never a NaN/±∞. False when the gradients were checked before the update:
    /// nothing changed.
    /// </summary>
    public bool MayBePartiallyApplied { get; }
}
