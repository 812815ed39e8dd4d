namespace MlNetLion.Optimizers;

/// <summary>
/// The one-cycle policy (Smith and Topin 2018; PyTorch's <c>OneCycleLR</c> with cosine annealing). Each
/// group's base rate is its peak η_max. Over T steps, with e₁ = pct·T − 1 and e₂ = T − 1:
/// <code>
/// t ≤ e₁:  η = cos_anneal(η_max/div, η_max, t/e₁)              β1 = cos_anneal(β_max, β_base, t/e₁)
/// t &gt; e₁:  η = cos_anneal(η_max, η_max/(div·final_div), (t−e₁)/(e₂−e₁))   β1 = cos_anneal(β_base, β_max, ...)
/// cos_anneal(a, b, p) = b + (a − b)·(1 + cos(π·p))/2           (p is clamped to 1 after step T)
/// </code>
/// When <see cref="CycleMomentum"/> is on, the momentum moves opposite to the rate: <c>beta1</c> on optimizers
/// with betas (Lion, AdamW), <c>momentum</c> on SGD with momentum; other optimizers keep theirs.
/// </summary>
public sealed class OneCycleSchedule : LearningRateSchedule
{
    private readonly string?[] _momentumKey;

    /// <summary>A one-cycle schedule of <paramref name="totalSteps"/> steps.</summary>
    /// <param name="optimizer">Its groups' current rates are the peaks.</param>
    /// <param name="totalSteps">T ≥ 2.</param>
    /// <param name="pctStart">Fraction of T spent rising (default 0.3).</param>
    /// <param name="divFactor">η_max / initial rate (default 25).</param>
    /// <param name="finalDivFactor">initial rate / final rate (default 1e4).</param>
    /// <param name="cycleMomentum">Also cycle β1 / momentum (default true).</param>
    /// <param name="baseMomentum">Momentum at the peak rate (default 0.85).</param>
    /// <param name="maxMomentum">Momentum at the start and the end (default 0.95).</param>
    public OneCycleSchedule(Optimizer optimizer, long totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4,
        bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95) : base(optimizer)
    {
        Require(nameof(totalSteps), totalSteps, 2);
        if (!(pctStart > 0 && pctStart < 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pctStart must be in (0, 1)");
        if (!(divFactor >= 1)) throw new ArgumentOutOfRangeException(nameof(divFactor), divFactor, "divFactor must be >= 1");
        if (!(finalDivFactor >= 1)) throw new ArgumentOutOfRangeException(nameof(finalDivFactor), finalDivFactor, "finalDivFactor must be >= 1");
        if (!(baseMomentum >= 0 && baseMomentum <= maxMomentum && maxMomentum < 1))
            throw new ArgumentOutOfRangeException(nameof(baseMomentum), baseMomentum, $"need 0 <= baseMomentum <= maxMomentum < 1 (maxMomentum = {maxMomentum})");
        TotalSteps = totalSteps;
        PctStart = pctStart;
        DivFactor = divFactor;
        FinalDivFactor = finalDivFactor;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
        _momentumKey = optimizer.ParamGroups.Select(g =>
            g.Options.Contains("beta1") ? "beta1" :
            g.Options.Contains("momentum") && g.Options["momentum"] > 0 ? "momentum" : null).ToArray();
        Start();
    }

    /// <summary>T.</summary>
    public long TotalSteps { get; }

    /// <summary>Fraction of T spent rising.</summary>
    public double PctStart { get; }

    /// <summary>η_max / initial rate.</summary>
    public double DivFactor { get; }

    /// <summary>Initial rate / final rate.</summary>
    public double FinalDivFactor { get; }

    /// <summary>Whether β1 / momentum is cycled.</summary>
    public bool CycleMomentum { get; }

    /// <summary>Momentum at the peak rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the start and end.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc />
    public override double Factor(long step)
    {
        var (phase, p) = Position(step);
        var initial = 1 / DivFactor;
        return phase == 0 ? Anneal(initial, 1, p) : Anneal(1, initial / FinalDivFactor, p);
    }

    /// <summary>β1 / momentum for the step after <paramref name="step"/> steps.</summary>
    public double MomentumAt(long step)
    {
        var (phase, p) = Position(step);
        return phase == 0 ? Anneal(MaxMomentum, BaseMomentum, p) : Anneal(BaseMomentum, MaxMomentum, p);
    }

    /// <inheritdoc />
    protected override void Apply(long step)
    {
        base.Apply(step);
        if (!CycleMomentum) return;
        var momentum = MomentumAt(step);
        var groups = Optimizer.ParamGroups;
        for (var g = 0; g < groups.Count; g++)
            if (_momentumKey[g] is { } key) groups[g].Options[key] = momentum;
    }

    private (int Phase, double Pct) Position(long step)
    {
        var end1 = PctStart * TotalSteps - 1;
        var end2 = TotalSteps - 1.0;
        if (step <= end1) return (0, end1 <= 0 ? 1 : step / end1);
        return (1, Math.Min(1.0, (step - end1) / (end2 - end1)));
    }

    private static double Anneal(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
}
