using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using DiT.Training.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Data;

public sealed class LatentCacheOptions
{
    public int BatchSize { get; init; } = 64;
    /// <summary>F16 halves the file (what latent caches usually use); F32 keeps full precision.</summary>
    public SafetensorsDtype Dtype { get; init; } = SafetensorsDtype.F16;
    /// <summary>Multiplied into the encoder output before storing (e.g. 0.18215 for the SD VAE); decoders divide by it.</summary>
    public double Scale { get; init; } = 1.0;
    /// <summary>Free-form description of where the data came from, stored in the metadata.</summary>
    public string Source { get; init; } = "";
    /// <summary>Device the encoder runs on; batches are moved there.</summary>
    public Device? Device { get; init; }
    /// <summary>Called after each batch with (done, total).</summary>
    public Action<int, int>? Progress { get; init; }
}

/// <summary>
/// Pre-encoded training data (e.g. VAE latents) in one safetensors file: "latents" (N, C, H, W) F16/F32, already
/// multiplied by the scale; "labels" (N) I64; metadata "format", "class_names" (JSON array), "source", "scale", "count".
/// Written atomically and streamed batch by batch, so the cache may be larger than memory.
/// </summary>
public static class LatentCache
{
    public const string FormatTag = "ditplugin.latent-cache.v1";
    public const string LatentsName = "latents";
    public const string LabelsName = "labels";

    /// <summary>Encodes every example of <paramref name="source"/> in order with <paramref name="encoder"/> ((B,C,H,W) in [-1,1] -> (B,C',H',W')).</summary>
    public static void Build(string path, IImageDataset source, Func<Tensor, Tensor> encoder, LatentCacheOptions? options = null)
    {
        var opt = options ?? new LatentCacheOptions();
        if (opt.Dtype is not (SafetensorsDtype.F16 or SafetensorsDtype.F32)) throw new ArgumentException("latent cache dtype must be F16 or F32.");
        if (opt.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be positive.");
        int n = source.Count;
        if (n == 0) throw new ArgumentException("source dataset is empty.");
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatTag,
            ["class_names"] = JsonSerializer.Serialize(source.ClassNames.ToArray()),
            ["source"] = opt.Source,
            ["scale"] = opt.Scale.ToString("R", CultureInfo.InvariantCulture),
            ["count"] = n.ToString(CultureInfo.InvariantCulture),
        };
        var labels = new long[n];

        AtomicFile.Write(path, stream =>
        {
            SafetensorsWriter? writer = null;
            long[]? latentShape = null;
            for (int start = 0; start < n; start += opt.BatchSize)
            {
                int b = Math.Min(opt.BatchSize, n - start);
                byte[] bytes;
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var batch = new float[(long)b * source.Channels * source.Height * source.Width];
                    int per = source.Channels * source.Height * source.Width;
                    for (int i = 0; i < b; i++)
                    {
                        var ex = source.Get(start + i);
                        if (ex.Chw.Length != per) throw new InvalidOperationException($"example {start + i} has {ex.Chw.Length} values, expected {per}.");
                        ex.Chw.CopyTo(batch, (long)i * per);
                        labels[start + i] = ex.Label;
                    }
                    var x = tensor(batch, new long[] { b, source.Channels, source.Height, source.Width });
                    if (opt.Device != null) x = x.to(opt.Device);
                    var z = encoder(x);
                    if (z.dim() != 4 || z.shape[0] != b)
                        throw new InvalidOperationException($"encoder must return (B, C, H, W) with B = {b}; got [{string.Join(", ", z.shape)}].");
                    if (latentShape == null)
                    {
                        latentShape = new[] { (long)n, z.shape[1], z.shape[2], z.shape[3] };
                        writer = new SafetensorsWriter(stream, new[]
                        {
                            new SafetensorsTensorSpec(LatentsName, opt.Dtype, latentShape),
                            new SafetensorsTensorSpec(LabelsName, SafetensorsDtype.I64, new long[] { n }),
                        }, metadata);
                    }
                    else if (z.shape[1] != latentShape[1] || z.shape[2] != latentShape[2] || z.shape[3] != latentShape[3])
                        throw new InvalidOperationException("encoder output shape changed between batches.");
                    var stored = (z * opt.Scale).to(opt.Dtype.ToScalarType());
                    bytes = TensorBytes.ToBytes(stored);
                }
                writer!.Write(bytes);
                opt.Progress?.Invoke(start + b, n);
            }
            var lb = new byte[n * 8];
            Buffer.BlockCopy(labels, 0, lb, 0, lb.Length); // little-endian host, checked by TensorBytes
            writer!.Write(lb);
            writer.Complete();
        });
    }

    public static LatentCacheDataset Open(string path, bool preload = false) => new(path, preload);
}
