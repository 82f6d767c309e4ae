namespace DiTPlugin
{
    /// <summary>Where ONNX Runtime runs the graphs.</summary>
    public enum ExecutionProvider
    {
        /// <summary>DirectML on Windows when available, then CUDA when present, else CPU.</summary>
        Auto,
        DirectML,
        Cuda,
        Cpu,
    }
}
