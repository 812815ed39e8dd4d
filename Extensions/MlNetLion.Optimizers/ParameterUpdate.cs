using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// One parameter to update in the current step: the parameter, its gradient, its group and its state.
/// Handed to <see cref="Optimizer.Update(IReadOnlyList{ParameterUpdate})"/>; valid during that call only.
/// </summary>
public sealed class ParameterUpdate
{
    internal ParameterUpdate(int index, int groupIndex, ParamGroup group, Tensor parameter, Tensor gradient, ParamState state)
    {
        Index = index;
        GroupIndex = groupIndex;
        Group = group;
        Parameter = parameter;
        Gradient = gradient;
        State = state;
    }

    /// <summary>Position of the parameter in the optimizer (all groups, in order).</summary>
    public int Index { get; }

    /// <summary>Position of the group in <see cref="Optimizer.ParamGroups"/>.</summary>
    public int GroupIndex { get; }

    /// <summary>The parameter's group; its <see cref="ParamGroup.Options"/> are the hyperparameters to use.</summary>
    public ParamGroup Group { get; }

    /// <summary>The parameter, updated in place.</summary>
    public Tensor Parameter { get; }

    /// <summary>Its gradient (a handle the optimizer disposes after the step).</summary>
    public Tensor Gradient { get; }

    /// <summary>Its state (empty before the first update).</summary>
    public ParamState State { get; }

    /// <summary>Set when this gradient was not pre-checked for NaN/±∞: the fused kernel checks it (under
    /// <see cref="NonFiniteGradientPolicy.Throw"/>, for the built-in optimizers' fused path).</summary>
    internal FiniteGuard? DeferredCheck { get; set; }
}
