using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// One ONNX graph on an <see cref="InferenceSession"/>: picks the execution provider (DirectML on Windows when
    /// available, then CUDA when present, else CPU; or the one the caller forces), reports the one the session actually
    /// runs on (<see cref="Provider"/>), checks the graph's inputs and outputs against the contract, and runs it. Thread safety: <see cref="Run"/> takes a lock, so calls on one
    /// graph are serialised (one Run at a time per session). Outputs with NaN/Inf raise
    /// <see cref="NonFiniteOutputException"/>, after one retry on the CPU provider when another provider produced
    /// them (the graph then stays on the CPU).
    /// </summary>
    public sealed class OnnxGraph : IDisposable
    {
        private readonly object _runLock = new object();
        // Kept only while a retry on the CPU could still need it: a graph already on the CPU never reopens it, so a
        // byte source is dropped then (a path source costs nothing to keep).
        private GraphSource? _source;
        private readonly Action<string>? _log;
        private readonly ProviderRuntime _runtime;
        private readonly GraphKind _kind;
        private InferenceSession _session;
        private bool _disposed;

        public string FileName { get; }
        public TensorSpec[] Inputs { get; }
        public TensorSpec[] Outputs { get; }
        /// <summary>
        /// The provider the session runs on now: where ONNX Runtime placed the graph's inputs (see
        /// <see cref="RunningProvider"/>), not the one that was asked for. Cpu after a NaN retry.
        /// </summary>
        public ExecutionProvider Provider { get; private set; }

        public OnnxGraph(byte[] model, string fileName, TensorSpec[] inputs, TensorSpec[] outputs,
            ExecutionProvider requested = ExecutionProvider.Auto, Action<string>? log = null, int deviceId = 0)
            : this(model, fileName, inputs, outputs, requested, log, deviceId, ProviderRuntime.Default)
        {
        }

        internal OnnxGraph(byte[] model, string fileName, TensorSpec[] inputs, TensorSpec[] outputs,
            ExecutionProvider requested, Action<string>? log, int deviceId, ProviderRuntime runtime)
            : this(GraphSource.FromBytes(fileName, model ?? throw new ArgumentNullException(nameof(model))), fileName, inputs, outputs,
                requested, log, deviceId, runtime)
        {
        }

        /// <summary>A graph read by ONNX Runtime from <paramref name="source"/> (a folder package's file path, or bytes).</summary>
        internal OnnxGraph(GraphSource source, string fileName, TensorSpec[] inputs, TensorSpec[] outputs,
            ExecutionProvider requested, Action<string>? log, int deviceId, ProviderRuntime runtime, GraphKind kind = GraphKind.Transformer)
        {
            _kind = kind;
            _source = source ?? throw new ArgumentNullException(nameof(source));
            FileName = fileName;
            Inputs = inputs;
            Outputs = outputs;
            _log = log;
            _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
            (_session, Provider) = CreateSession(requested, deviceId);
            try { CheckSignature(_session); }
            catch (Exception e) when (!(e is ModelPackageException))
            {
                _session.Dispose();
                throw new ModelPackageException(FileName, $"ONNX Runtime could not describe the graph's inputs and outputs ({e.GetType().Name}: {e.Message}).", e);
            }
            catch { _session.Dispose(); throw; }
            if (Provider == ExecutionProvider.Cpu && _source.Path is null) _source = null;
        }

        /// <summary>
        /// Why a forced <paramref name="requested"/> provider cannot run in this process (wrong OS, or not in this ONNX
        /// Runtime build), or null. A caller's setting, not a package problem: DiT.Load checks it before reading.
        /// </summary>
        public static string? Unavailable(ExecutionProvider requested) => Unavailable(requested, ProviderRuntime.Default);

        internal static string? Unavailable(ExecutionProvider requested, ProviderRuntime runtime)
        {
            if (requested == ExecutionProvider.Auto || requested == ExecutionProvider.Cpu) return null;
            if (requested == ExecutionProvider.DirectML && !runtime.IsWindows) return "DirectML runs on Windows only";
            IReadOnlyList<string> available;
            try { available = runtime.AvailableProviders(); }
            catch (Exception) { return null; }   // cannot tell here; session creation will say
            if (!available.Contains(RunningProvider.NameOf(requested)))
                return $"this ONNX Runtime build has no {requested} provider (it has {string.Join(", ", available)}; the application brings the native build: see the Plugin's README)";
            return null;
        }

        private void Log(string message) => _log?.Invoke("DiTPlugin: " + message);

        private (InferenceSession, ExecutionProvider) CreateSession(ExecutionProvider requested, int deviceId)
        {
            IReadOnlyList<string> available;
            try { available = _runtime.AvailableProviders(); }
            catch (Exception e) { available = new[] { RunningProvider.CpuName }; Log($"could not list ONNX Runtime providers ({e.Message})."); }
            bool hasDml = available.Contains(RunningProvider.DirectMLName);
            bool hasCuda = available.Contains(RunningProvider.CudaName);

            if (requested != ExecutionProvider.Auto)
            {
                if (Unavailable(requested, _runtime) is { } why) throw new InvalidOperationException($"{FileName}: execution provider {requested} was forced but {why}.");
                // The provider exists, so a failure is most likely the graph's (or the device's: the message says which).
                var s = TryCreate(requested, deviceId, out string? error)
                    ?? throw new ModelPackageException(FileName, $"ONNX Runtime could not create a session on {requested} (forced by DiTOptions.ExecutionProvider): {error}");
                return (s, Running(s, requested, available, "forced by the caller"));
            }

            var reasons = new List<string>();
            if (!_runtime.IsWindows) reasons.Add("DirectML: Windows only");
            else if (!hasDml) reasons.Add("DirectML: not in this ONNX Runtime build");
            else
            {
                var s = TryCreate(ExecutionProvider.DirectML, deviceId, out string? error);
                if (s != null) return (s, Running(s, ExecutionProvider.DirectML, available, $"adapter {deviceId}"));
                reasons.Add("DirectML failed: " + error);
            }
            if (!hasCuda) reasons.Add("CUDA: not in this ONNX Runtime build");
            else
            {
                var s = TryCreate(ExecutionProvider.Cuda, deviceId, out string? error);
                if (s != null) return (s, Running(s, ExecutionProvider.Cuda, available, $"device {deviceId}; {string.Join("; ", reasons)}"));
                reasons.Add("CUDA failed: " + error);
            }
            var cpu = TryCreate(ExecutionProvider.Cpu, deviceId, out string? cpuError)
                ?? throw new ModelPackageException(FileName, $"ONNX Runtime could not load the graph: {cpuError}");
            return (cpu, Running(cpu, ExecutionProvider.Cpu, available, string.Join("; ", reasons)));
        }

        /// <summary>The provider <paramref name="session"/> runs on (<see cref="RunningProvider"/>), logged with why.</summary>
        private ExecutionProvider Running(InferenceSession session, ExecutionProvider appended, IReadOnlyList<string> available, string context)
        {
            IReadOnlyList<string?>? placed;
            try { placed = _runtime.InputProviders(session); }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                placed = null;   // a native library older than the managed API lacks the call
                Log($"{FileName}: ONNX Runtime could not name the devices of the graph's inputs ({e.GetType().Name}: {e.Message}).");
            }
            var (running, evidence) = RunningProvider.Decide(appended, placed, available);
            Log(running == appended
                ? $"{FileName} runs on {RunningProvider.Display(running)} ({context}; {evidence})."
                : $"{FileName} runs on {RunningProvider.Display(running)}, not {RunningProvider.Display(appended)}: {evidence} ({context}).");
            return running;
        }

        private InferenceSession? TryCreate(ExecutionProvider ep, int deviceId, out string? error)
        {
            SessionOptions? options = null;
            try
            {
                options = SessionSetup.Create(ep, deviceId, _runtime, _kind);
                if (_source is null) throw new InvalidOperationException("the graph's bytes were released once it ran on the CPU");
                var session = _source.CreateSession(options);
                error = null;
                return session;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                error = e.GetType().Name + ": " + e.Message;
                return null;
            }
            finally
            {
                options?.Dispose();
            }
        }

        private void CheckSignature(InferenceSession session)
        {
            Check("input", session.InputMetadata, Inputs);
            Check("output", session.OutputMetadata, Outputs);
        }

        private void Check(string kind, IReadOnlyDictionary<string, NodeMetadata> actual, TensorSpec[] expected)
        {
            string names = string.Join(", ", actual.Keys);
            foreach (var spec in expected)
            {
                if (!actual.TryGetValue(spec.Name, out var meta))
                    throw new ModelPackageException(FileName, $"the graph has no {kind} '{spec.Name}' (its {kind}s: {names}).");
                if (meta.ElementType != spec.ElementType)
                    throw new ModelPackageException(FileName, $"{kind} '{spec.Name}' has element type {meta.ElementType.Name}, expected {spec.ElementType.Name}.");
                var dims = meta.Dimensions.Select(d => (long)d).ToArray();
                if (!dims.SequenceEqual(spec.Shape))
                    throw new ModelPackageException(FileName, $"{kind} '{spec.Name}' has shape {TensorSpec.Format(dims)}, expected {TensorSpec.Format(spec.Shape)} from model.json.");
            }
            if (actual.Count != expected.Length)
            {
                var extra = actual.Keys.Where(k => expected.All(e => e.Name != k));
                throw new ModelPackageException(FileName, $"unexpected graph {kind}s: {string.Join(", ", extra)} (expected only {string.Join(", ", expected.Select(e => e.Name))}).");
            }
        }

        /// <summary>
        /// Runs the graph on inputs given in <see cref="Inputs"/> order (float[] or long[] of the spec's size) and
        /// returns the outputs in <see cref="Outputs"/> order. Serialised by a lock.
        /// </summary>
        public float[][] Run(params Array[] inputs)
        {
            if (inputs.Length != Inputs.Length) throw new ArgumentException($"{FileName} takes {Inputs.Length} inputs.", nameof(inputs));
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i].LongLength != Inputs[i].ElementCount)
                    throw new ArgumentException($"input '{Inputs[i].Name}' needs {Inputs[i].ElementCount} values, got {inputs[i].LongLength}.", nameof(inputs));
            lock (_runLock)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(OnnxGraph));
                var outputs = RunOnce(inputs);
                string? bad = FindNonFinite(outputs);
                if (bad is null) return outputs;
                if (Provider == ExecutionProvider.Cpu)
                    throw new NonFiniteOutputException($"{FileName}: output '{bad}' has NaN or infinite values on the CPU provider (a broken model or inputs).");
                Log($"{FileName}: output '{bad}' had NaN/Inf on {Provider}; retrying on the CPU provider and staying there.");
                var cpu = TryCreate(ExecutionProvider.Cpu, 0, out string? error)
                    ?? throw new NonFiniteOutputException($"{FileName}: output '{bad}' has NaN or infinite values on {Provider} and the CPU provider could not be started: {error}");
                _session.Dispose();
                _session = cpu;
                Provider = ExecutionProvider.Cpu;
                _source = null;
                outputs = RunOnce(inputs);
                bad = FindNonFinite(outputs);
                if (bad != null)
                    throw new NonFiniteOutputException($"{FileName}: output '{bad}' has NaN or infinite values, also after retrying on the CPU provider.");
                return outputs;
            }
        }

        private float[][] RunOnce(Array[] inputs)
        {
            var values = new OrtValue[inputs.Length];
            try
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    values[i] = inputs[i] switch
                    {
                        float[] f => OrtValue.CreateTensorValueFromMemory(f, Inputs[i].Shape),
                        long[] l => OrtValue.CreateTensorValueFromMemory(l, Inputs[i].Shape),
                        _ => throw new ArgumentException($"input '{Inputs[i].Name}' must be float[] or long[]."),
                    };
                }
                using (var runOptions = new RunOptions())
                using (var results = _session.Run(runOptions, Inputs.Select(s => s.Name).ToArray(), values, Outputs.Select(s => s.Name).ToArray()))
                {
                    var outs = new float[results.Count][];
                    for (int i = 0; i < outs.Length; i++) outs[i] = results[i].GetTensorDataAsSpan<float>().ToArray();
                    return outs;
                }
            }
            finally
            {
                foreach (var v in values) v?.Dispose();
            }
        }

        private string? FindNonFinite(float[][] outputs)
        {
            for (int o = 0; o < outputs.Length; o++)
                foreach (float f in outputs[o])
                    if (float.IsNaN(f) || float.IsInfinity(f)) return Outputs[o].Name;
            return null;
        }

        public void Dispose()
        {
            lock (_runLock)
            {
                if (_disposed) return;
                _disposed = true;
                _session.Dispose();
            }
        }
    }
}
