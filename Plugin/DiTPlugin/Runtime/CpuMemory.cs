using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Session settings that bound a CPU session's memory. Prepacking is off: ONNX Runtime's CPU MatMul/Gemm kernels
    /// otherwise keep a second, repacked copy of every weight matrix (beside the initializer, which with external data
    /// stays a mapping of the file), and that copy cost more memory than the packing saved time here: DiT-S/2 fp32 with
    /// external data peaked at 502 MB instead of 632 MB after load, with no measurable change in step time
    /// (docs/performance.md has the runs and the command).
    /// </summary>
    internal static class CpuMemory
    {
        public static void Apply(SessionOptions options)
        {
            options.AddSessionConfigEntry("session.disable_prepacking", "1");
        }
    }
}
