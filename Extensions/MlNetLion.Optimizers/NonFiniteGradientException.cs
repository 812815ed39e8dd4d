namespace MlNetLion.Optimizers;

/// <summary>A gradient held NaN or ±infinity; the step was not applied (no state changed).</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for parameter <paramref name="parameterIndex"/> of group <paramref name="groupIndex"/>.</summary>
    public NonFiniteGradientException(int parameterIndex, int groupIndex, string parameterName, long[] shape)
        : base($"The gradient of parameter {parameterIndex}{(parameterName.Length > 0 ? $" '{parameterName}'" : "")} " +
               $"(group {groupIndex}, shape [{string.Join(", ", shape)}]) contains NaN or infinity; the step was not applied " +
               "and no weight or optimizer state changed. Lower the learning rate or clip gradients, or set " +
               "NonFiniteGradients = NonFiniteGradientPolicy.SkipStep to skip such steps.")
    {
        ParameterIndex = parameterIndex;
        GroupIndex = groupIndex;
        ParameterName = parameterName;
    }

    /// <summary>Position of the parameter in the optimizer (all groups, in order).</summary>
    public int ParameterIndex { get; }

    /// <summary>Position of its group.</summary>
    public int GroupIndex { get; }

    /// <summary>Its name, or "".</summary>
    public string ParameterName { get; }
}
