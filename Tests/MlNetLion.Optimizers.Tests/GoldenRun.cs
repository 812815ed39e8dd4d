using System.Text.Json;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Tests;

/// <summary>Runs one golden case (schema mlnet-lion-golden/1) on one path and records every mismatch.</summary>
internal sealed class GoldenRun
{
    private readonly JsonElement _case;
    private readonly bool _fused;
    private readonly GoldenStats _stats;
    private readonly Dictionary<string, (double Rtol, double Atol)> _tolerance = new()
    {
        ["params"] = (2e-6, 2e-7), ["slow_params"] = (2e-6, 2e-7), ["exp_avg"] = (2e-6, 2e-7), ["momentum_buffer"] = (2e-6, 2e-7),
        ["loss"] = (2e-6, 2e-7), ["initial_logits"] = (2e-6, 2e-7), ["grads"] = (2e-6, 2e-7),
        ["exp_avg_sq"] = (2e-6, 0), ["max_exp_avg_sq"] = (2e-6, 0),
    };

    public GoldenRun(JsonElement root, bool fused, GoldenStats stats)
    {
        _case = root;
        _fused = fused;
        _stats = stats;
        if (root.GetProperty("format").GetString() != "mlnet-lion-golden/1")
            throw new InvalidDataException($"unknown format '{root.GetProperty("format")}'");
        if (root.TryGetProperty("recommended_tolerance", out var tol))
            foreach (var t in tol.EnumerateObject())
                _tolerance[t.Name] = (t.Value.GetProperty("rtol").GetDouble(), t.Value.GetProperty("atol").GetDouble());
    }

    public List<string> Failures { get; } = [];

    public long FusedParameterUpdates { get; private set; }

    public void Execute()
    {
        var kind = _case.GetProperty("kind").GetString();
        if (kind is not ("optimizer" or "mlp")) throw new InvalidDataException($"unknown case kind '{kind}'");

        var paramsJson = _case.GetProperty("params").EnumerateArray().ToArray();
        using var module = kind == "mlp" ? Module.Sequential(Layer.Linear(4, 8), Layer.Tanh(), Layer.Linear(8, 3)) : null;
        var ownParams = new List<Tensor>();
        Tensor[] parameters;
        if (module is not null)
        {
            parameters = module.NamedParameters.Select(p => p.Tensor).ToArray();
            if (parameters.Length != paramsJson.Length) throw new InvalidDataException("the MLP has another number of parameters");
            using (MlNetLion.Torch.Torch.NoGrad())
                for (var i = 0; i < parameters.Length; i++)
                {
                    using var init = TestUtil.T(Floats(paramsJson[i].GetProperty("initial")), Shape(paramsJson[i]));
                    parameters[i].Copy_(init);
                }
        }
        else
        {
            parameters = paramsJson.Select(p => TestUtil.Param(Floats(p.GetProperty("initial")), Shape(p))).ToArray();
            ownParams.AddRange(parameters);
        }

        try
        {
            using var optimizer = BuildOptimizer(parameters, paramsJson);
            optimizer.ForceTensorOps = !_fused;
            if (module is not null) RunMlp(module, parameters, optimizer);
            else RunSteps(parameters, optimizer);
            CheckFinalState(optimizer);
            FusedParameterUpdates = optimizer.FusedParameterCount + ((optimizer as Lookahead)?.InnerOptimizer.FusedParameterCount ?? 0);
        }
        finally
        {
            foreach (var p in ownParams) p.Dispose();
        }
    }

    private Optimizer BuildOptimizer(Tensor[] parameters, JsonElement[] paramsJson)
    {
        var opt = _case.GetProperty("optimizer");
        var type = opt.GetProperty("type").GetString();
        var groupsJson = opt.GetProperty("param_groups").EnumerateArray().ToArray();
        var groups = new List<ParamGroup>();
        foreach (var g in groupsJson)
        {
            var members = g.GetProperty("params").EnumerateArray().Select(i => parameters[i.GetInt32()]).ToArray();
            OptimizerOptions options = type switch
            {
                "Lion" => new LionOptions
                {
                    LearningRate = g.GetProperty("lr").GetDouble(), Beta1 = Beta(g, 0), Beta2 = Beta(g, 1),
                    WeightDecay = g.GetProperty("weight_decay").GetDouble(),
                },
                "AdamW" => new AdamWOptions
                {
                    LearningRate = g.GetProperty("lr").GetDouble(), Beta1 = Beta(g, 0), Beta2 = Beta(g, 1),
                    Epsilon = g.GetProperty("eps").GetDouble(), WeightDecay = g.GetProperty("weight_decay").GetDouble(),
                    AmsGrad = g.GetProperty("amsgrad").GetBoolean(),
                },
                "SGD" => new SgdOptions
                {
                    LearningRate = g.GetProperty("lr").GetDouble(), Momentum = g.GetProperty("momentum").GetDouble(),
                    Dampening = g.GetProperty("dampening").GetDouble(), WeightDecay = g.GetProperty("weight_decay").GetDouble(),
                    Nesterov = g.GetProperty("nesterov").GetBoolean(),
                },
                _ => throw new InvalidDataException($"unknown optimizer type '{type}'"),
            };
            groups.Add(new ParamGroup(members, options));
        }
        Optimizer inner = type switch
        {
            "Lion" => new LionOptimizer(groups),
            "AdamW" => new AdamWOptimizer(groups),
            _ => new SgdOptimizer(groups),
        };
        if (!_case.TryGetProperty("lookahead", out var la)) return inner;
        if (la.TryGetProperty("pullback_momentum", out var pb) && pb.GetString() != "none")
            throw new InvalidDataException($"unsupported pullback_momentum '{pb.GetString()}'");
        return new Lookahead(inner, la.GetProperty("k").GetInt32(), la.GetProperty("alpha").GetDouble());
    }

    private static double Beta(JsonElement group, int i) => group.GetProperty("betas")[i].GetDouble();

    private void ApplyChanges(Optimizer optimizer, int step)
    {
        if (!_case.TryGetProperty("hyperparameter_changes", out var changes)) return;
        foreach (var c in changes.EnumerateArray())
            if (c.GetProperty("before_step").GetInt32() == step)
                optimizer.ParamGroups[c.GetProperty("group").GetInt32()].Options[c.GetProperty("key").GetString()!] = c.GetProperty("value").GetDouble();
    }

    private void CheckLr(Optimizer optimizer, JsonElement step, int t)
    {
        var lrs = step.GetProperty("lr").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var g = 0; g < lrs.Length; g++)
            if (optimizer.ParamGroups[g].LearningRate != lrs[g])
                Failures.Add($"step {t}: group {g} lr is {optimizer.ParamGroups[g].LearningRate}, expected {lrs[g]}");
    }

    private void RunSteps(Tensor[] parameters, Optimizer optimizer)
    {
        foreach (var step in _case.GetProperty("steps").EnumerateArray())
        {
            var t = step.GetProperty("step").GetInt32();
            ApplyChanges(optimizer, t);
            CheckLr(optimizer, step, t);
            var grads = step.GetProperty("grads").EnumerateArray().ToArray();
            for (var i = 0; i < parameters.Length; i++)
                TestUtil.SetGrad(parameters[i], grads[i].ValueKind == JsonValueKind.Null ? null : Floats(grads[i]));
            if (!optimizer.Step()) Failures.Add($"step {t}: the step was skipped");
            CheckStep(parameters, optimizer, step, t);
        }
    }

    private void RunMlp(Module module, Tensor[] parameters, Optimizer optimizer)
    {
        var data = _case.GetProperty("data");
        using var x = TestUtil.T(Floats(data.GetProperty("x").GetProperty("values")), Longs(data.GetProperty("x").GetProperty("shape")));
        var labels = data.GetProperty("y").ValueKind == JsonValueKind.Array ? data.GetProperty("y") : data.GetProperty("y").GetProperty("values");
        using var y = TestUtil.T(labels.EnumerateArray().Select(e => e.GetInt64()).ToArray());
        using (MlNetLion.Torch.Torch.NoGrad())
        using (var logits = module.Forward(x))
            Compare("initial_logits", "initial_logits", Floats(_case.GetProperty("initial_logits").GetProperty("values")), logits.ToArray<float>());

        foreach (var step in _case.GetProperty("steps").EnumerateArray())
        {
            var t = step.GetProperty("step").GetInt32();
            ApplyChanges(optimizer, t);
            CheckLr(optimizer, step, t);
            optimizer.ZeroGrad();
            using (var logits = module.Forward(x))
            using (var loss = Functional.CrossEntropy(logits, y))
            {
                Compare($"step {t} loss", "loss", [step.GetProperty("loss").GetSingle()], [loss.ToSingle()]);
                loss.Backward();
            }
            var grads = step.GetProperty("grads").EnumerateArray().ToArray();
            for (var i = 0; i < parameters.Length; i++)
            {
                using var g = parameters[i].Grad!;
                Compare($"step {t} grads[{i}]", "grads", Floats(grads[i]), g.ToArray<float>());
            }
            if (!optimizer.Step()) Failures.Add($"step {t}: the step was skipped");
            CheckStep(parameters, optimizer, step, t);
        }
        using (MlNetLion.Torch.Torch.NoGrad())
        using (var logits = module.Forward(x))
        using (var loss = Functional.CrossEntropy(logits, y))
            Compare("final_loss", "loss", [_case.GetProperty("final_loss").GetSingle()], [loss.ToSingle()]);
    }

    private void CheckStep(Tensor[] parameters, Optimizer optimizer, JsonElement step, int t)
    {
        _stats.Steps++;
        var expected = step.GetProperty("params").EnumerateArray().ToArray();
        for (var i = 0; i < parameters.Length; i++)
            Compare($"step {t} params[{i}]", "params", Floats(expected[i]), parameters[i].ToArray<float>());
        if (optimizer is not Lookahead la) return;
        var laStep = step.GetProperty("la_step").GetInt32();
        if (la.StepsSinceSync != laStep) Failures.Add($"step {t}: la_step is {la.StepsSinceSync}, expected {laStep}");
        var slow = step.GetProperty("slow_params").EnumerateArray().ToArray();
        for (var i = 0; i < parameters.Length; i++)
            Compare($"step {t} slow_params[{i}]", "slow_params", Floats(slow[i]), la.SlowWeights[i].ToArray<float>());
    }

    private void CheckFinalState(Optimizer optimizer)
    {
        var final = _case.GetProperty("final_state");
        var inner = optimizer is Lookahead la ? la.InnerOptimizer : optimizer;
        var states = final.GetProperty("optimizer").EnumerateArray().ToArray();
        for (var i = 0; i < states.Length; i++)
        {
            var state = inner.StateAt(i);
            if (states[i].ValueKind == JsonValueKind.Null)
            {
                if (!state.IsEmpty) Failures.Add($"final state[{i}]: expected no state, found {string.Join(", ", state.Tensors.Keys)}");
                continue;
            }
            if (state.IsEmpty)
            {
                Failures.Add($"final state[{i}]: expected state, found none");
                continue;
            }
            foreach (var entry in states[i].EnumerateObject())
            {
                if (entry.Name == "step")
                {
                    if (state.Scalar("step", double.NaN) != entry.Value.GetDouble())
                        Failures.Add($"final state[{i}].step is {state.Scalar("step", double.NaN)}, expected {entry.Value.GetDouble()}");
                    continue;
                }
                if (!_tolerance.ContainsKey(entry.Name)) throw new InvalidDataException($"unknown state key '{entry.Name}'");
                var tensor = state.TensorOrNull(entry.Name);
                if (tensor is null)
                {
                    Failures.Add($"final state[{i}]: no '{entry.Name}'");
                    continue;
                }
                Compare($"final state[{i}].{entry.Name}", entry.Name, Floats(entry.Value), tensor.ToArray<float>());
            }
            var expectedKeys = states[i].EnumerateObject().Select(e => e.Name).Where(n => n != "step").ToHashSet();
            foreach (var k in state.Tensors.Keys)
                if (!expectedKeys.Contains(k)) Failures.Add($"final state[{i}]: unexpected state tensor '{k}'");
        }
        if (final.TryGetProperty("lookahead", out var laState) && laState.ValueKind != JsonValueKind.Null)
        {
            var look = (Lookahead)optimizer;
            if (look.StepsSinceSync != laState.GetProperty("la_step").GetInt32())
                Failures.Add($"final la_step is {look.StepsSinceSync}, expected {laState.GetProperty("la_step").GetInt32()}");
            var slow = laState.GetProperty("slow_params").EnumerateArray().ToArray();
            for (var i = 0; i < slow.Length; i++)
                Compare($"final slow_params[{i}]", "slow_params", Floats(slow[i]), look.SlowWeights[i].ToArray<float>());
        }
    }

    private void Compare(string what, string quantity, float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
        {
            Failures.Add($"{what}: {actual.Length} values, expected {expected.Length}");
            return;
        }
        var (rtol, atol) = _tolerance[quantity];
        var bad = 0;
        var first = "";
        for (var i = 0; i < expected.Length; i++)
        {
            _stats.Values++;
            if (BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) ||
                (expected[i] == 0 && actual[i] == 0))
            {
                _stats.BitExact++;
                continue;
            }
            var err = Math.Abs((double)actual[i] - expected[i]);
            var tol = atol + rtol * Math.Abs(expected[i]);
            _stats.MaxRatio = Math.Max(_stats.MaxRatio, tol > 0 ? err / tol : double.PositiveInfinity);
            if (!(err <= tol))
            {
                if (bad++ == 0) first = $"[{i}] expected {expected[i]:R}, got {actual[i]:R} (|err| {err:G3} > tol {tol:G3})";
            }
        }
        if (bad > 0) Failures.Add($"{what}: {bad} of {expected.Length} outside tolerance, first {first}");
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    private static long[] Shape(JsonElement param) => Longs(param.GetProperty("shape"));
}
