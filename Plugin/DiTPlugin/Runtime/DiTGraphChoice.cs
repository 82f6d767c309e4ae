using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Which of a package's DiT graphs to run. An explicit <see cref="DiTOptions.Precision"/> wins when the package has
    /// that graph. Otherwise int8 when the session is sure to run on the CPU provider (its integer kernels are the fast
    /// path there; GPU providers run few of its quantized ops), then fp16 when <see cref="DiTOptions.PreferFp16"/>,
    /// then fp32, then the first DiT graph.
    /// </summary>
    internal static class DiTGraphChoice
    {
        /// <summary>Whether a session asked for on <paramref name="requested"/> will run on the CPU provider, known before it exists.</summary>
        public static bool RunsOnCpu(ExecutionProvider requested, ProviderRuntime runtime)
        {
            if (requested == ExecutionProvider.Cpu) return true;
            if (requested != ExecutionProvider.Auto) return false;
            IReadOnlyList<string> available;
            try { available = runtime.AvailableProviders(); }
            catch (Exception) { return false; }   // cannot tell: keep the precision every provider runs
            bool gpu = (runtime.IsWindows && available.Contains(RunningProvider.DirectMLName)) || available.Contains(RunningProvider.CudaName);
            return !gpu;
        }

        public static GraphInfo Select(ModelManifest m, Precision? wanted, bool preferFp16, bool onCpu, Action<string>? log)
        {
            var dits = m.Graphs.Where(g => g.Role == GraphRole.DiT).ToList();
            GraphInfo? Of(Precision p) => dits.FirstOrDefault(g => g.Precision == p);
            if (wanted is Precision w)
            {
                if (Of(w) is { } exact) return exact;
                log?.Invoke($"DiTPlugin: {m.Name} has no {w.ToJson()} DiT graph (it has {string.Join(", ", dits.Select(g => g.Precision.ToJson()))}); choosing as if no precision were asked for.");
            }
            return (onCpu ? Of(Precision.Int8) : null)
                ?? (preferFp16 ? Of(Precision.Fp16) : null)
                ?? Of(Precision.Fp32)
                ?? dits.FirstOrDefault(g => g.Precision != Precision.Int8)
                ?? dits[0];   // an int8-only package runs its int8 graph wherever it is
        }
    }
}
