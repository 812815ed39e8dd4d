namespace MlNetLion.Torch;

/// <summary>Range checks shared by the model options; each exception names the option.</summary>
internal static class ModelOptionChecks
{
    public static void AtLeast(int value, int minimum, string option, string? why = null)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(option, value,
                $"{option} must be at least {minimum}{(why is null ? "" : $" ({why})")}; got {value}.");
    }

    public static void Probability(double value, string option)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be in [0, 1); got {value}.");
    }
}
