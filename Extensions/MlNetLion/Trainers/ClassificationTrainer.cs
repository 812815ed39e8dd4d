using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MlNetLion.Data;
using MlNetLion.Evaluation;
using MlNetLion.Optimizers;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>
/// A classification trainer (ML.NET's estimator): choose the optimizer with the <c>With…</c> extensions
/// (<see cref="TrainerExtensions"/>; Lion by default, biases and normalisation weights exempt from weight
/// decay), then <see cref="Fit"/>. Text and image trainers share this training loop.
/// </summary>
public abstract class ClassificationTrainer
{
    private protected ClassificationTrainer(MLContext context, ClassificationTrainerOptions options)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        TrainerOptions = options ?? throw new ArgumentNullException(nameof(options));
    }

    internal MLContext Context { get; }
    internal ClassificationTrainerOptions TrainerOptions { get; }

    /// <summary>The optimizer choice; learning rates and weight decays left out come from <see cref="Defaults"/> when training starts.</summary>
    internal Func<TrainerDefaults, OptimizerSettings> OptimizerChoice { get; set; } =
        d => OptimizerSettings.Lion(d.LionLearningRate, 0.9, 0.99, d.LionWeightDecay);

    internal (int K, double Alpha)? Lookahead { get; set; }
    internal TrainingSchedule Schedule { get; set; } = TrainingSchedule.CosineDecay();
    internal double? ClipNorm { get; set; }
    internal ClassificationModel? InitialModel { get; set; }

    /// <summary>Default learning rates and weight decays for this trainer's network (read when training starts, so they follow the options).</summary>
    internal abstract TrainerDefaults Defaults { get; }

    /// <summary>The optimizer the next <see cref="Fit"/> will use, e.g. "Lion(lr=0.0003, beta1=0.9, beta2=0.99, weight_decay=0.1)".</summary>
    public string OptimizerDescription => OptimizerSettings.Describe(OptimizerChoice(Defaults).Description, Lookahead);

    private protected abstract string InputColumnName { get; }
    private protected abstract string InputRole { get; }
    private protected abstract Type[] InputTypes { get; }
    private protected virtual bool ThrowOnUnusableInput => false;
    private protected abstract InputEncoder CreateEncoder(IReadOnlyList<object?> values, int classes);
    /// <summary>Builds a fresh network; <paramref name="trainingFeatures"/> are the featurized training rows and
    /// <paramref name="trainingLabels"/> their class indices.</summary>
    private protected abstract (Module Network, ModelArchitecture Architecture) CreateNetwork(InputEncoder encoder, int classes,
        IReadOnlyList<object> trainingFeatures, IReadOnlyList<int> trainingLabels);
    /// <summary>A learning-rate multiplier for a parameter (e.g. the text model's wide path, which starts at zero).</summary>
    private protected virtual double LearningRateScale(NamedTensor parameter) => 1;
    /// <summary>Lion's beta2 for a parameter when it differs from the optimizer's (null: the optimizer's).</summary>
    private protected virtual double? LionBeta2(NamedTensor parameter) => null;
    /// <summary>The fraction of the run's steps a parameter of <paramref name="network"/> waits (learning rate 0) before it learns (0: from the start).</summary>
    private protected virtual double StartFraction(NamedTensor parameter, Module network) => 0;

    private protected virtual void OnFeaturized(InputEncoder encoder, IEnumerable<object> features) { }

    /// <summary>
    /// Trains a model on <paramref name="trainingData"/>. With a validation set (this argument or the
    /// options' <c>ValidationSet</c>) every epoch ends with metrics over all of it; with early stopping
    /// the best epoch's weights are kept. With Lookahead, validation and the returned model use the
    /// slow weights.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, the data is empty or has one class, or a validation label is unknown.</exception>
    /// <exception cref="TrainingException">The loss became NaN or infinite (the last good checkpoint is kept).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; with a checkpoint folder, the position was saved first.</exception>
    public ClassificationModel Fit(IDataView trainingData, IDataView? validationSet = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        var o = TrainerOptions;
        o.Validate();
        var validation = validationSet ?? o.ValidationSet;
        if (o.EarlyStopping is not null && validation is null)
            throw new ArgumentException("EarlyStopping needs a validation set: pass validationSet to Fit or set ValidationSet.", nameof(validationSet));
        var seed = o.Seed ?? Context.Seed ?? Random.Shared.Next();
        if (o.NumberOfThreads is { } threads) MlNetLion.Torch.Torch.NumThreads = threads;
        var device = o.Device ?? Device.Auto;
        Log($"training on {device} with seed {seed}; optimizer {OptimizerDescription}, schedule {Schedule}");

        var (trainInputs, trainLabels, labelType) = ReadColumns(trainingData);
        if (trainInputs.Length == 0) throw new ArgumentException("The training data is empty: it has no rows.", nameof(trainingData));
        var labels = InitialModel?.Labels ?? LabelMap.Learn(trainLabels, labelType, o.LabelColumnName);
        var encoder = InitialModel?.Encoder ?? CreateEncoder(trainInputs, labels.Count);
        var train = Featurize(encoder, labels, trainInputs, trainLabels, "training");
        if (train.Labels.Distinct().Count() < 2)
            throw new ArgumentException($"The usable training rows hold a single class ('{labels.Names[train.Labels[0]]}'); a classifier needs at least two.", nameof(trainingData));
        if (InitialModel is null) OnFeaturized(encoder, train.Features);
        Examples? valid = null;
        if (validation is not null)
        {
            var (inputs, values, _) = ReadColumns(validation);
            if (inputs.Length == 0) throw new ArgumentException("The validation data is empty: it has no rows.", nameof(validationSet));
            valid = Featurize(encoder, labels, inputs, values, "validation");
        }

        MlNetLion.Torch.Torch.ManualSeed(seed);
        var (network, architecture) = CreateOrCopyNetwork(encoder, labels.Count, train, device);
        try
        {
            var model = new ClassificationModel(network, architecture, encoder, labels,
                new ModelColumns(o.LabelColumnName, o.PredictionColumnName, o.ScoreColumnName), device, null);
            CheckOutputs(model, train);
            var history = Train(model, train, valid, seed, progress, cancellationToken);
            network.Eval();
            return new ClassificationModel(network, architecture, encoder, labels, model.Columns, device, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private TrainingHistory Train(ClassificationModel model, Examples train, Examples? valid, int seed,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var o = TrainerOptions;
        var network = model.Module;
        var sets = network.NamedParameters.GroupBy(p => (Decay: DecaysWeights(p), Scale: LearningRateScale(p), Beta2: LionBeta2(p), Start: StartFraction(p, network)))
            .Select(g => new ParameterSet([.. g], g.Key.Decay, g.Key.Scale, g.Key.Beta2, g.Key.Start)).ToArray();
        using var optimizer = OptimizerChoice(Defaults).Build(sets, Lookahead);
        if (o.NumberOfThreads is { } threads) optimizer.MaxThreads = threads;
        var lookahead = optimizer as Lookahead;
        var stepsPerEpoch = (train.Count + o.BatchSize - 1) / o.BatchSize;
        var totalSteps = (long)stepsPerEpoch * o.MaxEpoch;
        var schedule = Schedule.Create(optimizer, totalSteps);
        // Groups that wait get learning rate 0 after every schedule step until their start (one group per set, in order),
        // and are frozen meanwhile (no gradient), so that the backward pass skips what only they need.
        var starts = sets.Select(s => (long)Math.Round(s.StartFraction * totalSteps)).ToArray();
        var frozen = new bool[starts.Length];
        void HoldWaitingGroups()
        {
            for (var g = 0; g < starts.Length; g++)
            {
                var waiting = schedule.StepCount < starts[g];
                if (waiting) optimizer.ParamGroups[g].LearningRate = 0;
                if (waiting != frozen[g]) SetRequiresGrad(sets[g], !(frozen[g] = waiting));
            }
        }
        HoldWaitingGroups();

        var fingerprint = Fingerprint(seed, train, model.Labels);
        var checkpointPath = o.CheckpointDirectory is null ? null : Path.Combine(o.CheckpointDirectory, Checkpoint.FileName);
        var state = new TrainingState { Fingerprint = fingerprint };
        Dictionary<string, StateTensor>? best = null;
        if (checkpointPath is not null && Checkpoint.Load(checkpointPath) is { } saved)
        {
            if (saved.State.Fingerprint != fingerprint)
                throw new InvalidOperationException($"The checkpoint '{checkpointPath}' was made by a different configuration (options, optimizer, seed or data); delete it or choose another CheckpointDirectory.");
            state = saved.State;
            TensorArchive.Load(network, saved.Weights, $"checkpoint '{checkpointPath}'");
            optimizer.LoadStateDict(saved.Optimizer);
            schedule.StepCount = state.GlobalStep;
            HoldWaitingGroups();
            best = saved.Best;
            Log($"resuming from {checkpointPath} at epoch {state.Epoch + 1}, step {state.EpochStep} ({state.GlobalStep} steps done)");
        }

        var clock = Stopwatch.StartNew();
        var secondsBefore = state.Seconds;
        long stepsThisRun = 0, samplesThisRun = 0;
        void SaveCheckpoint()
        {
            if (checkpointPath is null) return;
            state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
            Checkpoint.Save(checkpointPath, state, network, optimizer, best);
        }

        var indices = new int[o.BatchSize];
        var batchFeatures = new object[o.BatchSize];
        var batchLabels = new long[o.BatchSize];
        while (state.Epoch < o.MaxEpoch && !state.StoppedEarly)
        {
            var order = Permutation(train.Count, seed, state.Epoch);
            var epochClock = Stopwatch.StartNew();
            network.Train();
            for (var step = state.EpochStep; step < stepsPerEpoch; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    SaveCheckpoint();
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var start = step * o.BatchSize;
                var size = Math.Min(o.BatchSize, train.Count - start);
                for (var i = 0; i < size; i++)
                {
                    var row = order[start + i];
                    batchFeatures[i] = train.Features[row];
                    batchLabels[i] = train.Labels[row];
                }
                MlNetLion.Torch.Torch.ManualSeed(StepSeed(seed, state.GlobalStep));
                double lossValue;
                var learningRate = schedule.LearningRateAt(state.GlobalStep);
                using (var input = model.Encoder.Collate(size == o.BatchSize ? batchFeatures : batchFeatures[..size], model.Device))
                using (var target = Tensor.From<long>(batchLabels.AsSpan(0, size), [size], model.Device))
                using (var logits = network.Forward(input))
                using (var loss = Functional.CrossEntropy(logits, target, LossReduction.Mean, o.LabelSmoothing))
                {
                    lossValue = loss.ToDouble();
                    if (!double.IsFinite(lossValue))
                        throw new TrainingException($"Training stopped at epoch {state.Epoch + 1}, step {step + 1}: the loss became {lossValue}. " +
                            "Lower the learning rate or add .WithGradientClipping(1.0)." +
                            (checkpointPath is not null && File.Exists(checkpointPath) ? $" The last good checkpoint is kept in '{checkpointPath}'." : ""));
                    loss.Backward();
                }
                if (ClipNorm is { } maxNorm) optimizer.ClipGradNorm(maxNorm);
                optimizer.Step();
                optimizer.ZeroGrad();
                schedule.Step();
                HoldWaitingGroups();
                state.GlobalStep++;
                state.EpochStep = step + 1;
                state.EpochLossSum += lossValue;
                state.StepLosses.Add((float)lossValue);
                stepsThisRun++;
                samplesThisRun += size;
                progress?.Report(Progress(TrainingProgressKind.Step, state, stepsPerEpoch, totalSteps, learningRate, clock.Elapsed, stepsThisRun, samplesThisRun, null));
                if (o.CheckpointEverySteps > 0 && state.GlobalStep % o.CheckpointEverySteps == 0 && state.EpochStep < stepsPerEpoch) SaveCheckpoint();
            }

            MulticlassClassificationMetrics? metrics = null;
            if (valid is not null)
                using (lookahead?.UseSlowWeights())
                    metrics = MulticlassClassificationMetrics.Compute(valid.Labels, model.ScoreFeatures(valid.Features), model.ClassNames);
            var epochLoss = state.EpochLossSum / Math.Max(1, state.EpochStep);
            state.Epochs.Add(new EpochResult(state.Epoch + 1, state.GlobalStep, epochLoss, schedule.LearningRateAt(state.GlobalStep),
                epochClock.Elapsed.TotalSeconds, metrics?.MicroAccuracy, metrics?.LogLoss));
            if (o.EarlyStopping is { } es && metrics is not null)
            {
                var value = es.Metric == EarlyStoppingMetric.LogLoss ? metrics.LogLoss : -metrics.MicroAccuracy;
                if (state.BestValue is null || value < state.BestValue - es.MinDelta)
                {
                    state.BestValue = value;
                    state.BestEpoch = state.Epoch + 1;
                    state.EpochsWithoutImprovement = 0;
                    using (lookahead?.UseSlowWeights()) best = TensorArchive.Snapshot(network);
                }
                else if (++state.EpochsWithoutImprovement >= es.Patience)
                {
                    state.StoppedEarly = true;
                }
            }
            var report = Progress(TrainingProgressKind.EpochEnd, state, stepsPerEpoch, totalSteps, schedule.LearningRateAt(state.GlobalStep), clock.Elapsed, stepsThisRun, samplesThisRun, metrics);
            Log(report.ToString());
            state.Epoch++;
            state.EpochStep = 0;
            state.EpochLossSum = 0;
            progress?.Report(report);
            SaveCheckpoint();
        }

        for (var g = 0; g < sets.Length; g++)
            if (frozen[g]) SetRequiresGrad(sets[g], true);
        if (best is not null) TensorArchive.Load(network, best, "the best epoch's weights");
        else if (lookahead is not null)
        {
            Dictionary<string, StateTensor> slow;
            using (lookahead.UseSlowWeights()) slow = TensorArchive.Snapshot(network);
            TensorArchive.Load(network, slow, "the slow weights");
        }
        if (state.StoppedEarly) Log($"stopped early after epoch {state.Epoch}; keeping epoch {state.BestEpoch}");
        return new TrainingHistory
        {
            Epochs = state.Epochs,
            StepLosses = state.StepLosses,
            SelectedEpoch = best is not null ? state.BestEpoch : state.Epoch,
            StoppedEarly = state.StoppedEarly,
            SkippedRows = train.Skipped,
            SkippedValidationRows = valid?.Skipped ?? 0,
            SkippedSteps = optimizer.SkippedSteps,
            Seconds = secondsBefore + clock.Elapsed.TotalSeconds,
            Optimizer = OptimizerDescription,
            OptimizerStateBytes = StateBytes(optimizer),
        };
    }

    private static void SetRequiresGrad(ParameterSet set, bool on)
    {
        foreach (var p in set.Parameters) p.Tensor.RequiresGrad = on;
    }

    private static TrainingProgress Progress(TrainingProgressKind kind, TrainingState s, int stepsPerEpoch, long totalSteps, double lr,
        TimeSpan elapsed, long stepsThisRun, long samplesThisRun, MulticlassClassificationMetrics? metrics)
    {
        var secondsPerStep = stepsThisRun == 0 ? 0 : elapsed.TotalSeconds / stepsThisRun;
        return new TrainingProgress
        {
            Kind = kind,
            Epoch = s.Epoch + 1,
            MaxEpoch = (int)(totalSteps / stepsPerEpoch),
            EpochStep = s.EpochStep,
            StepsPerEpoch = stepsPerEpoch,
            Step = s.GlobalStep,
            TotalSteps = totalSteps,
            TrainingLoss = s.EpochLossSum / Math.Max(1, s.EpochStep),
            LearningRate = lr,
            SamplesPerSecond = elapsed.TotalSeconds > 0 ? samplesThisRun / elapsed.TotalSeconds : 0,
            Elapsed = elapsed,
            Eta = TimeSpan.FromSeconds(secondsPerStep * (totalSteps - s.GlobalStep)),
            Validation = metrics,
        };
    }

    /// <summary>Bytes held by the optimizer's state tensors.</summary>
    internal static long StateBytes(Optimizer optimizer) =>
        optimizer.StateDict() is var d ? Bytes(d) : 0;

    private static long Bytes(OptimizerStateDict d) =>
        d.Parameters.Sum(p => p.State?.Tensors.Values.Sum(t => (long)t.Data.Length) ?? 0) + (d.Inner is null ? 0 : Bytes(d.Inner));

    /// <summary>Weight decay applies to matrices and kernels, not to biases or normalisation weights.</summary>
    internal static bool DecaysWeights(NamedTensor p)
    {
        if (p.Tensor.Dim < 2) return false;
        foreach (var part in p.Name.Split('.'))
            if (part.StartsWith("norm", StringComparison.OrdinalIgnoreCase) || part.StartsWith("bn", StringComparison.OrdinalIgnoreCase)
                || part.StartsWith("ln", StringComparison.OrdinalIgnoreCase) || part.Contains("bias", StringComparison.OrdinalIgnoreCase))
                return false;
        return true;
    }

    private (Module, ModelArchitecture) CreateOrCopyNetwork(InputEncoder encoder, int classes, Examples train, Device device)
    {
        Module network;
        ModelArchitecture architecture;
        if (InitialModel is { } initial)
        {
            architecture = initial.Architecture;
            if (architecture.Name == ModelArchitecture.TorchScript)
            {
                var tmp = Path.GetTempFileName();
                try
                {
                    initial.Module.SaveTorchScript(tmp);
                    network = Module.LoadTorchScript(tmp, device);
                }
                finally { File.Delete(tmp); }
            }
            else
            {
                network = architecture.Build();
                network.To(device);
                TensorArchive.Load(network, TensorArchive.Snapshot(initial.Module), "the initial model");
            }
        }
        else if (TrainerOptions.TorchScriptModelPath is { } path)
        {
            network = Module.LoadTorchScript(path, device);
            architecture = new ModelArchitecture(ModelArchitecture.TorchScript, "{}");
        }
        else
        {
            (network, architecture) = CreateNetwork(encoder, classes, train.Features, train.Labels);
            network.To(device);
        }
        return (network, architecture);
    }

    private static void CheckOutputs(ClassificationModel model, Examples train)
    {
        using var _ = MlNetLion.Torch.Torch.NoGrad();
        var wasTraining = model.Module.IsTraining;
        model.Module.Eval();
        using var input = model.Encoder.Collate([train.Features[0]], model.Device);
        using var logits = model.Module.Forward(input);
        model.Module.Train(wasTraining);
        var shape = logits.Shape;
        if (shape.Length != 2 || shape[0] != 1 || shape[1] != model.Labels.Count)
            throw new ArgumentException($"The network returns a tensor of shape [{string.Join(", ", shape)}] for one row; " +
                $"the training data has {model.Labels.Count} classes, so it must return [1, {model.Labels.Count}] logits.");
    }

    private (object?[] Inputs, object?[] Labels, Type LabelType) ReadColumns(IDataView data)
    {
        var labelColumn = data.GetColumn(TrainerOptions.LabelColumnName, "label column");
        if (!LabelMap.IsSupported(labelColumn.Type))
            throw new ArgumentException($"The label column '{labelColumn.Name}' has type {labelColumn.Type.Name}; expected string, bool, an integer type, char or an enum.");
        var inputColumn = data.GetColumn(InputColumnName, InputRole, InputTypes);
        var inputs = new object?[data.Count];
        var labels = new object?[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var row = data.GetRow(i);
            inputs[i] = inputColumn.GetValue(row);
            labels[i] = labelColumn.GetValue(row);
        }
        return (inputs, labels, labelColumn.Type);
    }

    private Examples Featurize(InputEncoder encoder, LabelMap labels, object?[] inputs, object?[] labelValues, string what)
    {
        var skipped = new List<(int Row, string Problem)>();
        var features = encoder.FeaturizeAll(inputs, training: true, (row, problem) =>
        {
            if (ThrowOnUnusableInput) throw new InvalidDataException($"The {what} row {row} cannot be used: {problem}.");
            skipped.Add((row, problem));
        });
        foreach (var (row, problem) in skipped.Take(10)) Context.Write(LogSeverity.Warning, "Trainer", $"skipped {what} row {row}: {problem}");
        if (skipped.Count > 10) Context.Write(LogSeverity.Warning, "Trainer", $"skipped {skipped.Count} {what} rows in all");
        var keptFeatures = new List<object>(inputs.Length);
        var keptLabels = new List<int>(inputs.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            if (labelValues[i] is null) throw new ArgumentException($"The {what} row {i} has no label in '{TrainerOptions.LabelColumnName}'.");
            var label = labels.IndexOf(labels.Convert(labelValues[i]), $"in {what} row {i}");
            if (features[i] is null) continue;
            keptFeatures.Add(features[i]!);
            keptLabels.Add(label);
        }
        if (keptFeatures.Count == 0)
            throw new ArgumentException($"None of the {inputs.Length} {what} rows has a usable {InputRole} (row {skipped[0].Row}: {skipped[0].Problem}).");
        return new Examples(keptFeatures, keptLabels.ToArray(), skipped.Count);
    }

    private string Fingerprint(int seed, Examples train, LabelMap labels)
    {
        var text = $"{TrainerOptions.Fingerprint()}|{OptimizerDescription}|{Schedule}|{ClipNorm}|{seed}|{train.Count}|{string.Join(",", labels.Names)}|{InitialModel is not null}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static int[] Permutation(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(unchecked(seed * 1_000_033 + epoch * 7_919 + 0x5EED)).Shuffle(order); // not HashCode: it differs per process
        return order;
    }

    private static long StepSeed(int seed, long step) => unchecked(seed * 1_000_003L + step * 7_919L + 17);

    private protected void Log(string message) => Context.Write(LogSeverity.Info, GetType().Name, message);

    private sealed record Examples(IReadOnlyList<object> Features, int[] Labels, int Skipped)
    {
        public int Count => Labels.Length;
    }
}

/// <summary>A trainer's default hyperparameters (used when an optimizer is chosen without a learning rate or weight decay).</summary>
internal sealed record TrainerDefaults(double LionLearningRate, double LionWeightDecay, double AdamWLearningRate, double AdamWWeightDecay, double SgdLearningRate);
