using MlNetLion.Optimizers.Fused;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// Base of every optimizer, shaped like PyTorch's <c>torch.optim.Optimizer</c>: parameter groups with
/// per-group hyperparameters, <see cref="Step"/>, <see cref="ZeroGrad"/>, and state dicts.
/// </summary>
/// <remarks>
/// <para><b>Writing an optimizer.</b> Derive from this class, pass your options type (its defaults)
/// to the constructor, and override <see cref="Update(ParameterUpdate)"/> (per parameter, with tensor
/// ops) or <see cref="Update(IReadOnlyList{ParameterUpdate})"/> (all parameters of a step at once).
/// Keep per-parameter state in <see cref="ParameterUpdate.State"/>; it is saved and loaded for you.
/// Updates run under <see cref="MlNetLion.Torch.Torch.NoGrad"/>.</para>
/// <para><b>A step</b> (1) collects the parameters that have a gradient (others are skipped), (2) checks the
/// gradients for NaN/±∞ and (3) updates. On CPU float32 contiguous tensors the built-in optimizers run one
/// fused, vectorised pass per parameter on up to <see cref="MaxThreads"/> threads; elsewhere (CUDA, other
/// dtypes or layouts, or <see cref="ForceTensorOps"/>) the same arithmetic runs as in-place libtorch ops.
/// Under <see cref="NonFiniteGradientPolicy.SkipStep"/>, and for gradients that take the tensor ops, (2) is
/// a separate pass before anything changes; under the default <see cref="NonFiniteGradientPolicy.Throw"/>
/// the fused kernels check each slice of a gradient right before updating it, so a rejected step may be
/// partially applied (see <see cref="Step"/>).</para>
/// </remarks>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> _groups;
    private readonly (Tensor Tensor, int Group, string Name)[] _parameters;
    private readonly ParamState[] _states;
    private NonFiniteGradientPolicy _nonFinite;
    private bool _forceTensorOps;
    private int _maxThreads = Environment.ProcessorCount;
    private bool _disposed;

    /// <summary>An optimizer over <paramref name="groups"/>, whose unset values come from <paramref name="defaults"/>.</summary>
    /// <exception cref="ArgumentException">No parameters, a group already used by another optimizer, a parameter
    /// listed twice, or a group setting a hyperparameter this optimizer does not have.</exception>
    protected Optimizer(IEnumerable<ParamGroup> groups, OptimizerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.ValidateCombination();
        Defaults = defaults.Clone();
        _groups = groups.ToList();
        if (_groups.Count == 0) throw new ArgumentException("An optimizer needs at least one parameter group.", nameof(groups));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (var g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g] ?? throw new ArgumentException($"Parameter group {g} is null.", nameof(groups));
            if (group.IsAttached)
                throw new ArgumentException($"Parameter group {g} already belongs to an optimizer; create a new ParamGroup.", nameof(groups));
            foreach (var p in group.Parameters)
                if (!seen.Add(p))
                    throw new ArgumentException($"A parameter appears more than once (again in group {g}); each parameter may be in one group only.", nameof(groups));
        }
        for (var g = 0; g < _groups.Count; g++) _groups[g].Attach(Defaults.Resolve(_groups[g].Overrides, g));
        _parameters = _groups.SelectMany((grp, g) => grp.Parameters.Select((t, i) => (t, g, grp.Names[i]))).ToArray();
        if (_parameters.Length == 0) throw new ArgumentException("The optimizer got no parameters.", nameof(groups));
        _states = _parameters.Select(_ => new ParamState()).ToArray();
    }

    /// <summary>A wrapper (e.g. <see cref="Lookahead"/>) that shares <paramref name="inner"/>'s parameter groups.</summary>
    protected Optimizer(Optimizer inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Defaults = inner.Defaults;
        _groups = inner._groups;
        _parameters = inner._parameters;
        _states = _parameters.Select(_ => new ParamState()).ToArray();
    }

    /// <summary>The type name stored in (and checked against) state dicts.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The defaults each group inherits from.</summary>
    public OptimizerOptions Defaults { get; }

    /// <summary>The parameter groups (for a wrapper: the inner optimizer's, the very same objects).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Every parameter, across groups in order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters.Select(p => p.Tensor).ToArray();

    /// <summary>Steps applied so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Steps skipped under <see cref="NonFiniteGradientPolicy.SkipStep"/>.</summary>
    public long SkippedSteps { get; protected set; }

    /// <summary>What a step does when a gradient holds NaN or ±∞ (default <see cref="NonFiniteGradientPolicy.Throw"/>).</summary>
    public virtual NonFiniteGradientPolicy NonFiniteGradients
    {
        get => _nonFinite;
        set => _nonFinite = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "unknown policy");
    }

    /// <summary>When true, CPU float32 tensors are also updated with libtorch tensor ops (the path CUDA
    /// tensors take) instead of the fused kernels. For comparisons and benchmarks; results are the same.</summary>
    public virtual bool ForceTensorOps
    {
        get => _forceTensorOps;
        set => _forceTensorOps = value;
    }

    /// <summary>Threads the fused CPU kernels may use (default: every core).</summary>
    public virtual int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "need at least one thread");
    }

    /// <summary>The state of parameter <paramref name="index"/> (across groups, in order).</summary>
    public ParamState StateAt(int index) => _states[index];

    /// <summary>
    /// Applies one update to every parameter that has a gradient. Returns false when the step was skipped
    /// because a gradient was not finite and <see cref="NonFiniteGradients"/> is <see cref="NonFiniteGradientPolicy.SkipStep"/>.
    /// </summary>
    /// <remarks>
    /// <para>No NaN or ±∞ from a gradient is ever written into a weight or the optimizer state. How a step
    /// with such a gradient ends depends on <see cref="NonFiniteGradients"/>:</para>
    /// <para><see cref="NonFiniteGradientPolicy.SkipStep"/>: every gradient is checked before anything is
    /// updated (one extra read of each gradient); the step changes nothing but <see cref="SkippedSteps"/>.</para>
    /// <para><see cref="NonFiniteGradientPolicy.Throw"/> (default): on the built-in optimizers' fused CPU path
    /// the check is folded into the update kernels, which scan each 4 KiB slice of a gradient right before
    /// updating it (nearly free: the slice is then in L1). A non-finite value stops the step: its slice is not
    /// written, no slice is started after that (slices already running on other threads finish), and
    /// <see cref="NonFiniteGradientException"/> names the lowest-index parameter whose gradient is not finite. The step may then be PARTIALLY applied: other
    /// parameters, and other slices of the same parameter, may already hold their new weights and state
    /// (<see cref="NonFiniteGradientException.MayBePartiallyApplied"/> is true); <see cref="StepCount"/> does
    /// not advance (AdamW's per-parameter step counts of this step do). Treat the exception as the end of
    /// the run, or restore weights and <see cref="LoadStateDict(OptimizerStateDict)"/> from a checkpoint;
    /// use <see cref="NonFiniteGradientPolicy.SkipStep"/> to keep training through bad steps. Gradients on the
    /// tensor-op path (CUDA, other dtypes or layouts, <see cref="ForceTensorOps"/>) and all gradients of
    /// optimizers derived outside this library are checked before anything changes, as under SkipStep.</para>
    /// </remarks>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN/±∞ under the <c>Throw</c> policy; see
    /// remarks for what may have changed.</exception>
    public virtual bool Step()
    {
        ThrowIfDisposed();
        var updates = new List<ParameterUpdate>(_parameters.Length);
        try
        {
            for (var i = 0; i < _parameters.Length; i++)
            {
                var (tensor, g, _) = _parameters[i];
                var grad = tensor.Grad;
                if (grad is not null) updates.Add(new ParameterUpdate(i, g, _groups[g], tensor, grad, _states[i]));
            }
            foreach (var group in _groups) group.Options.ValidateCombination();
            FiniteGuard? guard = null;
            if (!SkipFiniteCheck)
            {
                var inKernel = NonFiniteGradients == NonFiniteGradientPolicy.Throw && ChecksGradientsInKernels;
                if (inKernel)
                {
                    guard = new FiniteGuard(_parameters.Length);
                    foreach (var u in updates)
                        if (CanFuse(u)) u.DeferredCheck = guard;
                }
                var bad = FirstNonFinite(updates, includeDeferred: false);
                if (bad is not null)
                {
                    if (NonFiniteGradients == NonFiniteGradientPolicy.SkipStep)
                    {
                        SkippedSteps++;
                        return false;
                    }
                    // Nothing changed yet; name the lowest-index bad parameter, deferred ones included.
                    if (inKernel) bad = FirstNonFinite(updates, includeDeferred: true)!;
                    throw NonFinite(bad.Index, partiallyApplied: false);
                }
            }
            using (MlNetLion.Torch.Torch.NoGrad()) Update(updates);
            if (guard?.FirstRejected is >= 0 and var rejected) throw NonFinite(rejected, partiallyApplied: true);
            StepCount++;
            return true;
        }
        finally
        {
            foreach (var u in updates) u.Gradient.Dispose();
        }
    }

    private NonFiniteGradientException NonFinite(int index, bool partiallyApplied)
    {
        var (tensor, group, name) = _parameters[index];
        return new NonFiniteGradientException(index, group, name, tensor.Shape, partiallyApplied);
    }

    /// <summary>Updates all parameters of one step (those with a gradient). The default calls
    /// <see cref="Update(ParameterUpdate)"/> for each; built-in optimizers batch fused kernels here.</summary>
    protected virtual void Update(IReadOnlyList<ParameterUpdate> updates)
    {
        foreach (var u in updates) Update(u);
    }

    /// <summary>Updates one parameter in place. Override this or <see cref="Update(IReadOnlyList{ParameterUpdate})"/>.</summary>
    protected virtual void Update(ParameterUpdate update) =>
        throw new NotImplementedException($"{GetType().Name} must override Update(ParameterUpdate) or Update(IReadOnlyList<ParameterUpdate>).");

    /// <summary>Sets every parameter's gradient to zero, or removes it when <paramref name="setToNone"/>
    /// (then parameters that get no new gradient are skipped by the next step).</summary>
    public void ZeroGrad(bool setToNone = false)
    {
        ThrowIfDisposed();
        foreach (var (p, _, _) in _parameters)
        {
            if (setToNone) p.Grad = null;
            else p.ZeroGrad();
        }
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public double ClipGradNorm(double maxNorm) => GradientClipping.ClipGradNorm(Parameters, maxNorm, ForceTensorOps ? 1 : MaxThreads, ForceTensorOps);

    // ---- helpers for derived optimizers ------------------------------------------------------

    /// <summary>True when <paramref name="update"/> can take the fused CPU kernel: float32, contiguous,
    /// in host memory (parameter and gradient), and <see cref="ForceTensorOps"/> is off.</summary>
    protected bool CanFuse(ParameterUpdate update) =>
        !ForceTensorOps && FusedTensors.IsFusable(update.Parameter) && FusedTensors.IsFusable(update.Gradient);

    /// <summary>The dtype of optimizer state for a parameter of <paramref name="parameterDtype"/>: float64
    /// stays float64, everything else (float32, float16, bfloat16) keeps float32 state.</summary>
    protected static ScalarType StateDtype(ScalarType parameterDtype) =>
        parameterDtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    /// <summary>The state tensor <paramref name="name"/> of a parameter, created as zeros (parameter's shape
    /// and device, <see cref="StateDtype"/>) the first time.</summary>
    protected static Tensor StateTensor(ParameterUpdate update, string name) => StateTensor(update.State, update.Parameter, name);

    internal static Tensor StateTensor(ParamState state, Tensor parameter, string name)
    {
        var t = state.TensorOrNull(name);
        if (t is not null) return t;
        t = Tensor.Zeros(parameter.Shape, StateDtype(parameter.Dtype), parameter.Device);
        state.SetTensor(name, t);
        return t;
    }

    /// <summary>
    /// <paramref name="tensor"/> in the state dtype: a second handle to it when it already is, else a
    /// float32 copy (for float16/bfloat16 parameters; write the result back with <see cref="Tensor.Copy_"/>).
    /// </summary>
    protected static Tensor InStateDtype(Tensor tensor, out bool converted)
    {
        var dtype = StateDtype(tensor.Dtype);
        converted = tensor.Dtype != dtype;
        return converted ? tensor.To(dtype) : tensor.Alias();
    }

    internal void RunFused<TKernel>(IReadOnlyList<TKernel> kernels) where TKernel : struct, IFusedKernel
    {
        FusedParameterCount += kernels.Count;
        FusedLoop.Run(kernels, MaxThreads);
    }

    /// <summary>True for optimizers whose fused kernels are built with <see cref="Checked"/> and whose
    /// tensor-op fallback calls <see cref="RejectsDeferredCheck"/>: under the Throw policy their fusable
    /// gradients are checked inside the kernels instead of in a separate pass before the step.</summary>
    internal virtual bool ChecksGradientsInKernels => false;

    /// <summary><paramref name="kernel"/> for <paramref name="update"/>, checking the gradient slice by slice
    /// before updating it when the step deferred that check to the kernel.</summary>
    internal static unsafe CheckedKernel<TKernel> Checked<TKernel>(ParameterUpdate update, TKernel kernel) where TKernel : struct, IFusedKernel =>
        new(kernel, FusedTensors.Pointer(update.Gradient), update.Index, update.DeferredCheck);

    /// <summary>For an update whose check was deferred to a kernel but that takes the tensor ops after all
    /// (its state is not fusable): checks the gradient now. True when it is not finite: then the update must
    /// be left out (the step throws after the others).</summary>
    internal static bool RejectsDeferredCheck(ParameterUpdate update)
    {
        var guard = update.DeferredCheck;
        if (guard is null) return false;
        if (!update.Gradient.AllFinite()) guard.Reject(update.Index);
        return guard.Stopped;
    }

    /// <summary>Benchmark-only: leaves out every finite-gradient check (the pre-check pass and the in-kernel
    /// one), to measure the update kernels alone. Never set in library code.</summary>
    internal bool SkipFiniteCheck { get; set; }

    /// <summary>How many parameter updates (and syncs) took the fused kernels so far; for tests.</summary>
    internal long FusedParameterCount { get; private set; }

    private unsafe ParameterUpdate? FirstNonFinite(List<ParameterUpdate> updates, bool includeDeferred)
    {
        var flags = new int[updates.Count];
        var kernels = new List<FiniteCheckKernel>();
        for (var i = 0; i < updates.Count; i++)
        {
            if (!includeDeferred && updates[i].DeferredCheck is not null) continue;
            var g = updates[i].Gradient;
            if (!ForceTensorOps && FusedTensors.IsFusable(g))
                kernels.Add(new FiniteCheckKernel(FusedTensors.Pointer(g), g.NumberOfElements, i, flags));
            else if (g.Dtype.IsFloatingPoint() && !g.AllFinite())
                flags[i] = 1;
        }
        FusedLoop.Run(kernels, MaxThreads);
        var bad = Array.IndexOf(flags, 1);
        return bad < 0 ? null : updates[bad];
    }

    // ---- state dicts -------------------------------------------------------------------------

    /// <summary>The optimizer wrapped by this one (Lookahead's inner optimizer), or null.</summary>
    protected virtual Optimizer? Inner => null;

    /// <summary>Optimizer-wide scalars to save (e.g. Lookahead's counter). Default: none.</summary>
    protected virtual IReadOnlyDictionary<string, double> SaveScalars() => new Dictionary<string, double>();

    /// <summary>Checks optimizer-wide scalars from a state dict (throw to reject); nothing has changed yet.</summary>
    protected virtual void ValidateScalars(IReadOnlyDictionary<string, double> scalars) { }

    /// <summary>Restores optimizer-wide scalars (after <see cref="ValidateScalars"/> accepted them).</summary>
    protected virtual void LoadScalars(IReadOnlyDictionary<string, double> scalars) { }

    /// <summary>A snapshot of the whole state: every state tensor (copied to host memory), step counts,
    /// each group's hyperparameters, and the inner optimizer's state for a wrapper.</summary>
    public OptimizerStateDict StateDict()
    {
        ThrowIfDisposed();
        return new OptimizerStateDict
        {
            OptimizerType = TypeName,
            StepCount = StepCount,
            SkippedSteps = SkippedSteps,
            Scalars = SaveScalars(),
            Groups = _groups.Select(g => new OptimizerStateDict.GroupEntry(g.Parameters.Count,
                g.Options.Names.ToDictionary(n => n, n => g.Options[n]))).ToArray(),
            Parameters = _parameters.Select((p, i) => new OptimizerStateDict.ParameterEntry(p.Tensor.Dtype, p.Tensor.Shape,
                _states[i].IsEmpty ? null : new OptimizerStateDict.ParameterStateEntry(
                    new Dictionary<string, double>(_states[i].Scalars),
                    _states[i].Tensors.ToDictionary(kv => kv.Key, kv => Optimizers.StateTensor.From(kv.Value))))).ToArray(),
            Inner = Inner?.StateDict(),
        };
    }

    /// <summary>Writes <see cref="StateDict"/> to <paramref name="stream"/> (format: see <see cref="OptimizerStateDict"/>).</summary>
    public void SaveStateDict(Stream stream) => StateDict().Save(stream);

    /// <summary>Writes <see cref="StateDict"/> to <paramref name="path"/> atomically.</summary>
    public void SaveStateDict(string path) => StateDict().Save(path);

    /// <summary>Loads a state written by <see cref="SaveStateDict(Stream)"/>.</summary>
    public void LoadStateDict(Stream stream) => LoadStateDict(OptimizerStateDict.Load(stream));

    /// <summary>Loads a state file written by <see cref="SaveStateDict(string)"/>.</summary>
    public void LoadStateDict(string path) => LoadStateDict(OptimizerStateDict.Load(path));

    /// <summary>
    /// Restores a state: state tensors (onto each parameter's device), step counts, group hyperparameters,
    /// and the inner optimizer's state. Everything is checked first; on a mismatch nothing changes.
    /// </summary>
    /// <exception cref="ArgumentException">The state belongs to another optimizer type, or has a different
    /// number of groups or parameters, or a parameter of another shape (the message says which).</exception>
    public void LoadStateDict(OptimizerStateDict state)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(state);
        Validate(state, "");
        Apply(state);
    }

    private void Validate(OptimizerStateDict d, string where)
    {
        var who = where.Length == 0 ? "" : $" ({where})";
        if (d.OptimizerType != TypeName)
            throw new ArgumentException($"The state{who} was saved by a {d.OptimizerType}; this optimizer is a {TypeName}.", nameof(d));
        if (d.Groups.Count != _groups.Count)
            throw new ArgumentException($"The state{who} has {d.Groups.Count} parameter group(s); this optimizer has {_groups.Count}.", nameof(d));
        for (var g = 0; g < _groups.Count; g++)
        {
            if (d.Groups[g].ParameterCount != _groups[g].Parameters.Count)
                throw new ArgumentException($"Group {g} of the state{who} has {d.Groups[g].ParameterCount} parameter(s); this optimizer's group {g} has {_groups[g].Parameters.Count}.", nameof(d));
            foreach (var (name, value) in d.Groups[g].Options)
            {
                if (!_groups[g].Options.Contains(name))
                    throw new ArgumentException($"Group {g} of the state{who} has hyperparameter '{name}', which {TypeName} does not have.", nameof(d));
                _ = _groups[g].Options.Clone()[name] = value; // validates the value
            }
        }
        if (d.Parameters.Count != _parameters.Length)
            throw new ArgumentException($"The state{who} has {d.Parameters.Count} parameter(s); this optimizer has {_parameters.Length}.", nameof(d));
        for (var i = 0; i < _parameters.Length; i++)
        {
            var shape = _parameters[i].Tensor.Shape;
            if (!shape.AsSpan().SequenceEqual(d.Parameters[i].Shape))
                throw new ArgumentException($"Parameter {i}{Named(i)} has shape [{string.Join(", ", shape)}]; the state{who} has [{string.Join(", ", d.Parameters[i].Shape)}].", nameof(d));
        }
        ValidateScalars(d.Scalars);
        if ((Inner is null) != (d.Inner is null))
            throw new ArgumentException($"The state{who} {(d.Inner is null ? "has no" : "has an")} inner optimizer state; this {TypeName} {(Inner is null ? "wraps none" : "wraps one")}.", nameof(d));
        Inner?.Validate(d.Inner!, $"inner of {TypeName}");
    }

    private void Apply(OptimizerStateDict d)
    {
        Inner?.Apply(d.Inner!);
        for (var g = 0; g < _groups.Count; g++)
            foreach (var (name, value) in d.Groups[g].Options)
                _groups[g].Options[name] = value;
        for (var i = 0; i < _parameters.Length; i++)
        {
            _states[i].Dispose();
            var entry = d.Parameters[i].State;
            if (entry is null) continue;
            var device = _parameters[i].Tensor.Device;
            foreach (var (name, value) in entry.Scalars) _states[i].SetScalar(name, value);
            foreach (var (name, t) in entry.Tensors) _states[i].SetTensor(name, t.ToTensor(device));
        }
        StepCount = d.StepCount;
        SkippedSteps = d.SkippedSteps;
        LoadScalars(d.Scalars);
    }

    private string Named(int i) => _parameters[i].Name.Length > 0 ? $" '{_parameters[i].Name}'" : "";

    /// <summary>Throws if the optimizer was disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Frees the optimizer state (not the parameters).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees state tensors; wrappers also dispose their inner optimizer.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var s in _states) s.Dispose();
    }
}
