namespace MlNetLion.Torch;

/// <summary>A layer of a <see cref="Module.Sequential"/> model, built natively by libtorch.</summary>
public sealed record Layer
{
    private Layer(int kind, long a = 0, long b = 0, long c = 0, double p = 0)
    {
        Kind = kind;
        A = a;
        B = b;
        C = c;
        P = p;
    }

    internal int Kind { get; }
    internal long A { get; }
    internal long B { get; }
    internal long C { get; }
    internal double P { get; }

    /// <summary>y = x·Wᵀ + b, with PyTorch's default initialisation U(-1/√in, 1/√in).</summary>
    public static Layer Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        return new(0, inFeatures, outFeatures, bias ? 1 : 0);
    }

    /// <summary>max(x, 0)</summary>
    public static Layer ReLU() => new(1);

    /// <summary>tanh(x)</summary>
    public static Layer Tanh() => new(2);

    /// <summary>Zeroes elements with probability <paramref name="p"/> in training mode.</summary>
    public static Layer Dropout(double p = 0.5)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        return new(3, p: p);
    }

    /// <summary>Flattens every dimension after the first.</summary>
    public static Layer Flatten() => new(4);

    /// <summary>Gaussian error linear unit.</summary>
    public static Layer GELU() => new(5);
}
