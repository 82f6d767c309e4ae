using System;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Runtime
{
    /// <summary>The session options for running a graph on one execution provider.</summary>
    internal static class SessionSetup
    {
        /// <summary>
        /// Options with <paramref name="provider"/> appended through <paramref name="runtime"/>. DirectML gets memory
        /// patterns off and sequential execution, which ONNX Runtime's DirectML documentation requires (the provider
        /// supports neither), and <paramref name="deviceId"/> as the adapter index; the CPU gets <see cref="CpuMemory"/>'s settings for <paramref name="kind"/>. The caller disposes the options.
        /// </summary>
        public static SessionOptions Create(ExecutionProvider provider, int deviceId, ProviderRuntime runtime, GraphKind kind = GraphKind.Transformer)
        {
            var options = new SessionOptions();
            try
            {
                switch (provider)
                {
                    case ExecutionProvider.DirectML:
                        options.EnableMemoryPattern = false;
                        options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                        runtime.AppendDirectML(options, deviceId);
                        break;
                    case ExecutionProvider.Cuda:
                        runtime.AppendCuda(options, deviceId);
                        break;
                    case ExecutionProvider.Cpu:
                        CpuMemory.Apply(options, kind);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(provider), provider, "A session is set up for one concrete provider, not Auto.");
                }
                return options;
            }
            catch
            {
                options.Dispose();
                throw;
            }
        }
    }
}
