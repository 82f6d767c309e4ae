using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// One ONNX graph on an <see cref="InferenceSession"/>: picks the execution provider (DirectML on Windows when
    /// available, then CUDA when present, else CPU; or the one the caller forces), checks the graph's inputs and
    /// outputs against the contract, and runs it. Thread safety: <see cref="Run"/> takes a lock, so calls on one
    /// graph are serialised (one Run at a time per session). Outputs with NaN/Inf raise
    /// <see cref="NonFiniteOutputException"/>, after one retry on the CPU provider when another provider produced
    /// them (the graph then stays on the CPU).
    /// </summary>
    public sealed class OnnxGraph : IDisposable
    {
        private readonly object _runLock = new object();
        private readonly byte[] _model;
        private readonly Action<string>? _log;
        private InferenceSession _session;
        private bool _disposed;

        public string FileName { get; }
        public TensorSpec[] Inputs { get; }
        public TensorSpec[] Outputs { get; }
        /// <summary>The provider the session runs on now.</summary>
        public ExecutionProvider Provider { get; private set; }

        public OnnxGraph(byte[] model, string fileName, TensorSpec[] inputs, TensorSpec[] outputs,
            ExecutionProvider requested = ExecutionProvider.Auto, Action<string>? log = null, int deviceId = 0)
        {
            _model = model ?? throw new ArgumentNullException(nameof(model));
            FileName = fileName;
            Inputs = inputs;
            Outputs = outputs;
            _log = log;
            (_session, Provider) = CreateSession(requested, deviceId);
            try { CheckSignature(_session); }
            catch (Exception e) when (!(e is ModelPackageException))
            {
                _session.Dispose();
                throw new ModelPackageException(FileName, $"ONNX Runtime could not describe the graph's inputs and outputs ({e.GetType().Name}: {e.Message}).", e);
            }
            catch { _session.Dispose(); throw; }
        }

        /// <summary>
        /// Why a forced <paramref name="requested"/> provider cannot run in this process (wrong OS, or not in this ONNX
        /// Runtime build), or null. A caller's setting, not a package problem: DiT.Load checks it before reading.
        /// </summary>
        public static string? Unavailable(ExecutionProvider requested)
        {
            if (requested == ExecutionProvider.Auto || requested == ExecutionProvider.Cpu) return null;
            if (requested == ExecutionProvider.DirectML && !IsWindows) return "DirectML runs on Windows only";
            string[] available;
            try { available = OrtEnv.Instance().GetAvailableProviders(); }
            catch (Exception) { return null; }   // cannot tell here; session creation will say
            if (requested == ExecutionProvider.DirectML && !available.Contains("DmlExecutionProvider")) return "this ONNX Runtime build has no DirectML provider";
            if (requested == ExecutionProvider.Cuda && !available.Contains("CUDAExecutionProvider")) return "this ONNX Runtime build has no CUDA provider";
            return null;
        }

        private void Log(string message) => _log?.Invoke("DiTPlugin: " + message);

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private (InferenceSession, ExecutionProvider) CreateSession(ExecutionProvider requested, int deviceId)
        {
            string[] available;
            try { available = OrtEnv.Instance().GetAvailableProviders(); }
            catch (Exception e) { available = new[] { "CPUExecutionProvider" }; Log($"could not list ONNX Runtime providers ({e.Message})."); }
            bool hasDml = available.Contains("DmlExecutionProvider");
            bool hasCuda = available.Contains("CUDAExecutionProvider");

            if (requested != ExecutionProvider.Auto)
            {
                if (Unavailable(requested) is { } why) throw new InvalidOperationException($"{FileName}: execution provider {requested} was forced but {why}.");
                // The provider exists, so a failure is most likely the graph's (or the device's: the message says which).
                var s = TryCreate(requested, deviceId, out string? error)
                    ?? throw new ModelPackageException(FileName, $"ONNX Runtime could not create a session on {requested} (forced by DiTOptions.ExecutionProvider): {error}");
                Log($"{FileName} runs on {requested} (forced by the caller).");
                return (s, requested);
            }

            var reasons = new List<string>();
            if (!IsWindows) reasons.Add("DirectML: Windows only");
            else if (!hasDml) reasons.Add("DirectML: not in this ONNX Runtime build");
            else
            {
                var s = TryCreate(ExecutionProvider.DirectML, deviceId, out string? error);
                if (s != null) { Log($"{FileName} runs on DirectML (device {deviceId})."); return (s, ExecutionProvider.DirectML); }
                reasons.Add("DirectML failed: " + error);
            }
            if (!hasCuda) reasons.Add("CUDA: not in this ONNX Runtime build");
            else
            {
                var s = TryCreate(ExecutionProvider.Cuda, deviceId, out string? error);
                if (s != null) { Log($"{FileName} runs on CUDA (device {deviceId}); {string.Join("; ", reasons)}."); return (s, ExecutionProvider.Cuda); }
                reasons.Add("CUDA failed: " + error);
            }
            var cpu = TryCreate(ExecutionProvider.Cpu, deviceId, out string? cpuError)
                ?? throw new ModelPackageException(FileName, $"ONNX Runtime could not load the graph: {cpuError}");
            Log($"{FileName} runs on CPU ({string.Join("; ", reasons)}).");
            return (cpu, ExecutionProvider.Cpu);
        }

        private InferenceSession? TryCreate(ExecutionProvider ep, int deviceId, out string? error)
        {
            var options = new SessionOptions();
            try
            {
                switch (ep)
                {
                    case ExecutionProvider.DirectML:
                        // DirectML needs these two settings (ORT's DirectML documentation).
                        options.EnableMemoryPattern = false;
                        options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                        options.AppendExecutionProvider_DML(deviceId);
                        break;
                    case ExecutionProvider.Cuda:
                        options.AppendExecutionProvider_CUDA(deviceId);
                        break;
                }
                var session = new InferenceSession(_model, options);
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
                options.Dispose();
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
