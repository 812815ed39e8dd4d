using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

/// <summary>Options of <see cref="SignSgd"/>: a learning rate and a momentum.</summary>
public sealed class SignSgdOptions : OptimizerOptions
{
    public SignSgdOptions() : base(("lr", 1e-3), ("momentum", 0.0)) { }

    public double Momentum { get => this["momentum"]; set => this["momentum"] = value; }

    protected override void Validate(string name, double value)
    {
        base.Validate(name, value);
        if (name == "momentum") CheckUnitInterval(name, value);
    }
}

/// <summary>
/// A user's optimizer written on the public base only: signSGD with momentum (Bernstein et al. 2018),
/// b ← μ·b + g; θ ← θ − η·sign(b). Tensor ops, per parameter, state kept in <see cref="ParameterUpdate.State"/>.
/// </summary>
public sealed class SignSgd : Optimizer
{
    public SignSgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0.5)
        : base([new ParamGroup(parameters)], new SignSgdOptions { LearningRate = learningRate, Momentum = momentum }) { }

    protected override void Update(ParameterUpdate u)
    {
        var lr = u.Group.Options.LearningRate;
        var mu = u.Group.Options["momentum"];
        var b = u.State.TensorOrNull("momentum_buffer");
        if (b is null)
        {
            b = Tensor.Zeros(u.Parameter.Shape, u.Parameter.Dtype, u.Parameter.Device);
            u.State.SetTensor("momentum_buffer", b);
        }
        b.Mul_(mu).Add_(u.Gradient);
        using var s = b.Sign();
        u.Parameter.Sub_(s, lr);
        u.State.SetScalar("updates", u.State.Scalar("updates") + 1);
    }
}
