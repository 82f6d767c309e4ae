using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using DiTPlugin.Contract.Package;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>When a package's DiT graph keeps its weights in an external data file, and what that file is called.</summary>
public static class ExternalDataPlan
{
    /// <summary>The data file beside <paramref name="graphFile"/>: its name plus ".data" (dit.onnx.data).</summary>
    public static string DataFileOf(string graphFile) => graphFile + ".data";

    /// <summary>
    /// Whether the weights at <paramref name="precision"/> would exceed what one ONNX protobuf file holds
    /// (<see cref="GraphBuilder.MaxInitializerBytes"/>): fp32 DiT-XL/2 (675M parameters, 2.7 GB) does.
    /// </summary>
    public static bool Needed(IReadOnlyDictionary<string, Tensor> weights, Precision precision)
    {
        long bytesPerValue = precision == Precision.Fp16 ? 2 : 4;
        long total = 0;
        foreach (var t in weights.Values) total += t.numel() * bytesPerValue;
        return total > GraphBuilder.MaxInitializerBytes;
    }

    /// <summary>A file's sha256 (lower-case hex), streamed: data files may be larger than one array.</summary>
    public static string Sha256OfFile(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return System.Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
