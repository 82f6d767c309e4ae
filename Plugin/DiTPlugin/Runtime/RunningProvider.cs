using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Which provider a created session actually runs on, from where ONNX Runtime placed the graph's inputs rather than
    /// from the provider that was asked for: a GPU provider that took none of the nodes reading the inputs (the rest
    /// fell back to the CPU) is not reported as running.
    /// </summary>
    internal static class RunningProvider
    {
        public const string CpuName = "CPUExecutionProvider";
        public const string DirectMLName = "DmlExecutionProvider";
        public const string CudaName = "CUDAExecutionProvider";

        /// <summary>ONNX Runtime's name of a provider.</summary>
        public static string NameOf(ExecutionProvider provider) => provider switch
        {
            ExecutionProvider.DirectML => DirectMLName,
            ExecutionProvider.Cuda => CudaName,
            _ => CpuName,
        };

        /// <summary>The provider as the logs name it.</summary>
        public static string Display(ExecutionProvider provider) => provider switch
        {
            ExecutionProvider.DirectML => "DirectML",
            ExecutionProvider.Cuda => "CUDA",
            ExecutionProvider.Cpu => "CPU",
            _ => provider.ToString(),
        };

        /// <summary>
        /// The provider running a session that had <paramref name="appended"/> put on it, given the provider of each input
        /// (<see cref="ProviderRuntime.InputProviders"/>; null where ONNX Runtime could not name it, or the whole list
        /// null when the native library cannot tell) and the native library's providers. When nothing was reported, the
        /// appended provider is taken only if the library has it.
        /// </summary>
        public static (ExecutionProvider Provider, string Evidence) Decide(ExecutionProvider appended, IReadOnlyList<string?>? inputProviders,
            IReadOnlyCollection<string> available)
        {
            var named = inputProviders?.Where(p => p != null).Select(p => p!).Distinct().ToList() ?? new List<string>();
            if (named.Count > 0)
            {
                string placed = "inputs placed on " + string.Join(", ", named);
                if (appended != ExecutionProvider.Cpu && named.Contains(NameOf(appended))) return (appended, placed);
                if (named.Contains(DirectMLName)) return (ExecutionProvider.DirectML, placed);
                if (named.Contains(CudaName)) return (ExecutionProvider.Cuda, placed);
                return (ExecutionProvider.Cpu, placed);
            }
            if (appended != ExecutionProvider.Cpu && available.Contains(NameOf(appended)))
                return (appended, $"ONNX Runtime did not name the inputs' devices; {NameOf(appended)} was appended and is in this build");
            return (ExecutionProvider.Cpu, "ONNX Runtime did not name the inputs' devices; no other provider was appended and available");
        }
    }
}
