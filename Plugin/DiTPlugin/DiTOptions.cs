using System;

namespace DiTPlugin
{
    /// <summary>How <see cref="DiT.Load"/> sets up the runtime.</summary>
    public sealed class DiTOptions
    {
        /// <summary>Auto: DirectML on Windows when available, then CUDA when present, else CPU. Others force one.</summary>
        public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Auto;
        /// <summary>GPU index for DirectML / CUDA.</summary>
        public int DeviceId { get; set; }
        /// <summary>Run the fp16 DiT graph when the package has one (and no int8 graph is chosen for the CPU).</summary>
        public bool PreferFp16 { get; set; }
        /// <summary>
        /// The DiT graph precision to run when the package has it. Null (the default): int8 when the package has an int8
        /// graph and the session will run on the CPU, else as <see cref="PreferFp16"/> says. <see cref="DiT.Precision"/>
        /// reports the choice.
        /// </summary>
        public DiTPlugin.Contract.Package.Precision? Precision { get; set; }
        /// <summary>Receives the provider choice, the reason for any fallback, and package warnings.</summary>
        public Action<string>? Log { get; set; }

        /// <summary>ONNX Runtime's providers as the sessions see them; tests substitute it where DirectML or CUDA cannot run.</summary>
        internal Runtime.ProviderRuntime ProviderRuntime { get; set; } = Runtime.ProviderRuntime.Default;
    }
}
