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
        public static void Apply(SessionOptions options, GraphKind kind)
        {
            options.AddSessionConfigEntry("session.disable_prepacking", "1");
            // A convolutional decoder stops before ONNX Runtime's layout optimizations (level 3, which rewrites convs
            // to its blocked NCHWc format with reordered copies of their weights). For the SD VAE decoder at 256 px
            // that cost 350 MB after load and about as much at the peak, for a decode about 10 % faster
            // (docs/performance.md). The transformer graphs have no convolution to rewrite and keep every level.
            if (kind == GraphKind.ConvolutionalDecoder)
                options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED;
        }
    }

    /// <summary>What a graph is, for the CPU session settings that depend on it.</summary>
    internal enum GraphKind
    {
        Transformer,
        ConvolutionalDecoder,
    }
}
