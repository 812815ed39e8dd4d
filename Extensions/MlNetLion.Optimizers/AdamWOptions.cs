namespace MlNetLion.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="AdamWOptimizer"/>, with PyTorch's defaults: <c>lr</c> = 1e-3,
/// <c>beta1</c> = 0.9, <c>beta2</c> = 0.999, <c>eps</c> = 1e-8, <c>weight_decay</c> = 1e-2, <c>amsgrad</c> = false.
/// </summary>
public sealed class AdamWOptions : OptimizerOptions
{
    /// <summary>Options with PyTorch's AdamW defaults; set only what you change.</summary>
    public AdamWOptions()
        : base(("lr", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8), ("weight_decay", 1e-2), ("amsgrad", 0)) { }

    /// <summary>β1 ∈ [0, 1): decay of the first moment (default 0.9).</summary>
    public double Beta1 { get => this["beta1"]; set => this["beta1"] = value; }

    /// <summary>β2 ∈ [0, 1): decay of the second moment (default 0.999).</summary>
    public double Beta2 { get => this["beta2"]; set => this["beta2"] = value; }

    /// <summary>ε ≥ 0 added to the denominator, outside the square root (default 1e-8).</summary>
    public double Epsilon { get => this["eps"]; set => this["eps"] = value; }

    /// <summary>λ ≥ 0: decoupled weight decay θ ← θ·(1 − η·λ) (default 1e-2).</summary>
    public double WeightDecay { get => this["weight_decay"]; set => this["weight_decay"] = value; }

    /// <summary>Use the running maximum of the second moment (AMSGrad; default false).</summary>
    public bool AmsGrad { get => this["amsgrad"] != 0; set => this["amsgrad"] = value ? 1 : 0; }

    /// <inheritdoc />
    protected override void Validate(string name, double value)
    {
        base.Validate(name, value);
        if (name is "beta1" or "beta2") CheckUnitInterval(name, value);
        if (name is "eps" or "weight_decay") CheckNonNegative(name, value);
        if (name == "amsgrad") CheckFlag(name, value);
    }
}
