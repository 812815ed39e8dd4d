namespace MlNetLion.Optimizers;

/// <summary>
/// Hyperparameters of <see cref="SgdOptimizer"/>, with PyTorch's defaults: <c>momentum</c> = 0,
/// <c>dampening</c> = 0, <c>weight_decay</c> = 0, <c>nesterov</c> = false. PyTorch requires a learning
/// rate; here <c>lr</c> defaults to 1e-2.
/// </summary>
public sealed class SgdOptions : OptimizerOptions
{
    /// <summary>Options with PyTorch's SGD defaults; set only what you change.</summary>
    public SgdOptions() : base(("lr", 1e-2), ("momentum", 0.0), ("dampening", 0.0), ("weight_decay", 0.0), ("nesterov", 0)) { }

    /// <summary>μ ≥ 0: momentum factor (0: plain SGD).</summary>
    public double Momentum { get => this["momentum"]; set => this["momentum"] = value; }

    /// <summary>τ: dampening of the gradient in the momentum update (not applied on the first step).</summary>
    public double Dampening { get => this["dampening"]; set => this["dampening"] = value; }

    /// <summary>λ ≥ 0: L2 penalty added to the gradient (coupled: g ← g + λ·θ).</summary>
    public double WeightDecay { get => this["weight_decay"]; set => this["weight_decay"] = value; }

    /// <summary>Nesterov momentum (needs momentum &gt; 0 and dampening = 0).</summary>
    public bool Nesterov { get => this["nesterov"] != 0; set => this["nesterov"] = value ? 1 : 0; }

    /// <inheritdoc />
    protected override void Validate(string name, double value)
    {
        base.Validate(name, value);
        if (name is "momentum" or "weight_decay") CheckNonNegative(name, value);
        if (name == "dampening" && !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"dampening must be finite, got {Format(value)}");
        if (name == "nesterov") CheckFlag(name, value);
    }

    /// <inheritdoc />
    public override void ValidateCombination()
    {
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening = 0; got momentum={Format(Momentum)}, dampening={Format(Dampening)}.");
    }
}
