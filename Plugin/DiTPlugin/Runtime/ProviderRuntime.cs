using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// What this process's ONNX Runtime offers and how a provider is put on a session. The default is the real thing;
    /// tests substitute it to check what the Plugin does for DirectML and CUDA where neither can run (a Linux machine
    /// with the CPU build): the session settings it makes and the provider it then reports.
    /// </summary>
    internal class ProviderRuntime
    {
        public static readonly ProviderRuntime Default = new ProviderRuntime();

        public virtual bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The providers compiled into the native library the application brought (CPU, DirectML or CUDA build).</summary>
        public virtual IReadOnlyList<string> AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();

        /// <summary>DirectML on the adapter with this index (DXGI's enumeration order, 0 = the default adapter).</summary>
        public virtual void AppendDirectML(SessionOptions options, int adapterIndex) => options.AppendExecutionProvider_DML(adapterIndex);

        public virtual void AppendCuda(SessionOptions options, int deviceId) => options.AppendExecutionProvider_CUDA(deviceId);

        /// <summary>
        /// The provider of the device each graph input was placed on (ONNX Runtime's SessionGetEpDeviceForInputs); null
        /// for an input whose device ONNX Runtime cannot name.
        /// </summary>
        public virtual IReadOnlyList<string?> InputProviders(InferenceSession session) =>
            session.GetEpDeviceForInputs().Select(d => d?.EpName).ToList();
    }
}
