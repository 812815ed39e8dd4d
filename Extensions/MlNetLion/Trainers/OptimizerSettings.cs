using System.Globalization;
using MlNetLion.Optimizers;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>The optimizer a trainer builds for a run: chosen with the <c>With…</c> extensions.</summary>
internal sealed class OptimizerSettings
{
    /// <summary>Builds the optimizer from the parameters that get weight decay and those that do not (biases, norms).</summary>
    public required Func<IReadOnlyList<NamedTensor>, IReadOnlyList<NamedTensor>, Optimizer> Create { get; init; }

    public required string Description { get; init; }

    public static string Describe(string inner, (int K, double Alpha)? lookahead) => lookahead is { } la
        ? $"Lookahead(k={la.K}, alpha={F(la.Alpha)}) over {inner}"
        : inner;

    public Optimizer Build(IReadOnlyList<NamedTensor> decay, IReadOnlyList<NamedTensor> noDecay, (int K, double Alpha)? lookahead)
    {
        var inner = Create(decay, noDecay);
        return lookahead is { } la ? new Lookahead(inner, la.K, la.Alpha) : inner;
    }

    public static OptimizerSettings Lion(double lr, double beta1, double beta2, double wd) => new()
    {
        Description = $"Lion(lr={F(lr)}, beta1={F(beta1)}, beta2={F(beta2)}, weight_decay={F(wd)})",
        Create = (d, n) => new LionOptimizer(Groups(d, n, new LionOptions { WeightDecay = 0 }),
            new LionOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, WeightDecay = wd }),
    };

    public static OptimizerSettings AdamW(double lr, double beta1, double beta2, double eps, double wd, bool amsGrad) => new()
    {
        Description = $"AdamW(lr={F(lr)}, beta1={F(beta1)}, beta2={F(beta2)}, eps={F(eps)}, weight_decay={F(wd)}{(amsGrad ? ", amsgrad" : "")})",
        Create = (d, n) => new AdamWOptimizer(Groups(d, n, new AdamWOptions { WeightDecay = 0 }),
            new AdamWOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = wd, AmsGrad = amsGrad }),
    };

    public static OptimizerSettings Sgd(double lr, double momentum, bool nesterov, double wd) => new()
    {
        Description = $"SGD(lr={F(lr)}, momentum={F(momentum)}{(nesterov ? ", nesterov" : "")}, weight_decay={F(wd)})",
        Create = (d, n) => new SgdOptimizer(Groups(d, n, new SgdOptions { WeightDecay = 0 }),
            new SgdOptions { LearningRate = lr, Momentum = momentum, Nesterov = nesterov, WeightDecay = wd }),
    };

    private static ParamGroup[] Groups(IReadOnlyList<NamedTensor> decay, IReadOnlyList<NamedTensor> noDecay, OptimizerOptions noDecayOptions) =>
        [.. new[] { new ParamGroup(decay), new ParamGroup(noDecay, noDecayOptions) }.Where(g => g.Parameters.Count > 0)];

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
