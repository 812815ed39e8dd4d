using System.Globalization;
using MlNetLion.Optimizers;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>Parameters that share optimizer settings: weight decay or none, a learning-rate multiplier,
/// for Lion only their own beta2, and the fraction of the run's steps they wait before they learn.</summary>
internal sealed record ParameterSet(IReadOnlyList<NamedTensor> Parameters, bool Decay, double LearningRateScale = 1, double? LionBeta2 = null,
    double StartFraction = 0);

/// <summary>The optimizer a trainer builds for a run: chosen with the <c>With…</c> extensions.</summary>
internal sealed class OptimizerSettings
{
    /// <summary>Builds the optimizer from the trainer's parameter sets (with or without weight decay, learning-rate scale).</summary>
    public required Func<IReadOnlyList<ParameterSet>, Optimizer> Create { get; init; }

    public required string Description { get; init; }

    public static string Describe(string inner, (int K, double Alpha)? lookahead) => lookahead is { } la
        ? $"Lookahead(k={la.K}, alpha={F(la.Alpha)}) over {inner}"
        : inner;

    public Optimizer Build(IReadOnlyList<ParameterSet> sets, (int K, double Alpha)? lookahead)
    {
        var inner = Create(sets);
        return lookahead is { } la ? new Lookahead(inner, la.K, la.Alpha) : inner;
    }

    public static OptimizerSettings Lion(double lr, double beta1, double beta2, double wd) => new()
    {
        Description = $"Lion(lr={F(lr)}, beta1={F(beta1)}, beta2={F(beta2)}, weight_decay={F(wd)})",
        Create = sets => new LionOptimizer(Groups(sets, lr, () => new LionOptions()),
            new LionOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, WeightDecay = wd }),
    };

    public static OptimizerSettings AdamW(double lr, double beta1, double beta2, double eps, double wd, bool amsGrad) => new()
    {
        Description = $"AdamW(lr={F(lr)}, beta1={F(beta1)}, beta2={F(beta2)}, eps={F(eps)}, weight_decay={F(wd)}{(amsGrad ? ", amsgrad" : "")})",
        Create = sets => new AdamWOptimizer(Groups(sets, lr, () => new AdamWOptions()),
            new AdamWOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = wd, AmsGrad = amsGrad }),
    };

    public static OptimizerSettings Sgd(double lr, double momentum, bool nesterov, double wd) => new()
    {
        Description = $"SGD(lr={F(lr)}, momentum={F(momentum)}{(nesterov ? ", nesterov" : "")}, weight_decay={F(wd)})",
        Create = sets => new SgdOptimizer(Groups(sets, lr, () => new SgdOptions()),
            new SgdOptions { LearningRate = lr, Momentum = momentum, Nesterov = nesterov, WeightDecay = wd }),
    };

    /// <summary>One group per non-empty set: no weight decay where the set has none, a scaled learning rate where it asks for one.</summary>
    private static ParamGroup[] Groups(IReadOnlyList<ParameterSet> sets, double lr, Func<OptimizerOptions> options) =>
        [.. sets.Where(s => s.Parameters.Count > 0).Select(s =>
        {
            var o = options();
            if (!s.Decay) o["weight_decay"] = 0;
            if (s.LearningRateScale != 1) o.LearningRate = lr * s.LearningRateScale;
            if (s.LionBeta2 is { } beta2 && o is LionOptions lion) lion.Beta2 = beta2;
            return new ParamGroup(s.Parameters, o);
        })];

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
