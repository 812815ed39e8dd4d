namespace MlNetLion.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="LionOptimizer"/>: <c>lr</c> = 1e-4, <c>beta1</c> = 0.9, <c>beta2</c> = 0.99,
/// <c>weight_decay</c> = 0 (the defaults of the official implementation).
/// </summary>
public sealed class LionOptions : OptimizerOptions
{
    /// <summary>Options with Lion's defaults; set only what you change.</summary>
    public LionOptions() : base(("lr", 1e-4), ("beta1", 0.9), ("beta2", 0.99), ("weight_decay", 0.0)) { }

    /// <summary>β1 ∈ [0, 1): weight of the momentum in the update direction c (default 0.9).</summary>
    public double Beta1 { get => this["beta1"]; set => this["beta1"] = value; }

    /// <summary>β2 ∈ [0, 1): decay of the stored momentum (default 0.99).</summary>
    public double Beta2 { get => this["beta2"]; set => this["beta2"] = value; }

    /// <summary>λ ≥ 0: decoupled weight decay, applied as θ ← θ·(1 − η·λ) (default 0). Use 3–10× AdamW's.</summary>
    public double WeightDecay { get => this["weight_decay"]; set => this["weight_decay"] = value; }

    /// <inheritdoc />
    protected override void Validate(string name, double value)
    {
        base.Validate(name, value);
        if (name is "beta1" or "beta2") CheckUnitInterval(name, value);
        if (name == "weight_decay") CheckNonNegative(name, value);
    }
}
