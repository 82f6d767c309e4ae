using System;
using System.Runtime.InteropServices;

namespace DiT.Training.Trainer;

/// <summary>
/// Retries a deterministic piece of torch work after a native error. TorchSharp 0.107 intermittently fails an
/// elementwise op with a corrupted Scalar argument ("Expected false to be true … toFloat at Scalar.h", "alpha must
/// not be a floating point number" on an integer add_): seen twice in a 5000-step training run and once in a
/// classifier run here, at random steps, never reproducibly, which points at a use-after-free of an implicitly
/// converted Scalar inside TorchSharp. Work that recomputes the same result from the same inputs (a training step
/// before its update, a seeded sampling batch) can simply run again.
/// </summary>
public static class NativeRetry
{
    public static T Run<T>(Func<T> work, Action<string>? warn, string what, int attempts = 3)
    {
        for (int attempt = 1; ; attempt++)
        {
            try { return work(); }
            catch (ExternalException e) when (attempt < attempts)
            {
                warn?.Invoke($"{what}: TorchSharp native error ({e.Message.Split('\n')[0]}); retrying ({attempt}/{attempts - 1}).");
            }
        }
    }
}
