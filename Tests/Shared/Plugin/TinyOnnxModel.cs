using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DiTPlugin.Tests;

/// <summary>
/// Test-only: writes a minimal model package by hand-encoding the ONNX protobuf (ir_version 8, opset 17) of a graph
/// with the contract's inputs x [B,C,S,S] f32, t [B] f32, y [B] i64, cfg_scale [1] f32 and outputs
/// eps = x·0.1·cfg_scale + 0.01·float(y) and v = x·0 (zeros), plus a model.json beside it.
/// </summary>
public static class TinyOnnxModel
{
    public sealed class Spec
    {
        public int Size = 8, Channels = 1, Batch = 1, Classes = 3, Timesteps = 100;
        /// <summary>Shape S written into the graph (to make it disagree with the manifest).</summary>
        public int? GraphSize;
        public float EpsScale = 0.1f;
        public string ColorSpace = "sRGB";
        public bool LearnSigma = true;
        /// <summary>When set, the constant c_eps is written as ONNX external data at this location (field 13/14), not in the graph.</summary>
        public string? ExternalDataLocation;
        /// <summary>The external tensor's offset and length entries (as written: text), for out-of-range cases.</summary>
        public string ExternalDataOffset = "0", ExternalDataLength = "4";
    }

    public static readonly string[] ClassNames = { "T-shirt/top", "Trouser", "Ankle boot" };

    public static byte[] BuildGraph(Spec s)
    {
        int S = s.GraphSize ?? s.Size;
        long[] xs = { s.Batch, s.Channels, S, S };
        var graph = new List<byte[]>
        {
            Node("Mul", new[] { "x", "c_eps" }, "xs"),
            Node("Mul", new[] { "xs", "cfg_scale" }, "e1"),
            Node("Reshape", new[] { "y", "shape4" }, "y4"),
            Node("Cast", new[] { "y4" }, "yf", IntAttribute("to", 1)),
            Node("Mul", new[] { "yf", "c_cls" }, "yc"),
            Node("Add", new[] { "e1", "yc" }, "eps"),
            Node("Mul", new[] { "x", "c_zero" }, "v"),
        }.Select(n => Field(1, n)).ToList();
        graph.Add(Field(2, Encoding.UTF8.GetBytes("tiny_dit")));
        graph.Add(Field(5, s.ExternalDataLocation is { } location ? ExternalFloatTensor("c_eps", location, s.ExternalDataOffset, s.ExternalDataLength) : FloatTensor("c_eps", s.EpsScale)));
        graph.Add(Field(5, FloatTensor("c_cls", 0.01f)));
        graph.Add(Field(5, FloatTensor("c_zero", 0f)));
        graph.Add(Field(5, Int64Tensor("shape4", new long[] { s.Batch, 1, 1, 1 })));
        graph.Add(Field(11, ValueInfo("x", 1, xs)));
        graph.Add(Field(11, ValueInfo("t", 1, new long[] { s.Batch })));
        graph.Add(Field(11, ValueInfo("y", 7, new long[] { s.Batch })));
        graph.Add(Field(11, ValueInfo("cfg_scale", 1, new long[] { 1 })));
        graph.Add(Field(12, ValueInfo("eps", 1, xs)));
        graph.Add(Field(12, ValueInfo("v", 1, xs)));

        var model = new List<byte[]>
        {
            VarintField(1, 8), // ir_version
            Field(2, Encoding.UTF8.GetBytes("DiTPlugin.Tests")),
            Field(7, Concat(graph)),
            Field(8, Concat(new List<byte[]> { Field(1, Array.Empty<byte>()), VarintField(2, 17) })), // opset_import
        };
        return Concat(model);
    }

    /// <summary>Writes dit.onnx and model.json into <paramref name="folder"/>; returns the manifest for further edits.</summary>
    public static JsonObject WritePackage(string folder, Spec? spec = null)
    {
        spec ??= new Spec();
        Directory.CreateDirectory(folder);
        var onnx = BuildGraph(spec);
        File.WriteAllBytes(Path.Combine(folder, "dit.onnx"), onnx);
        string sha = Convert.ToHexString(SHA256.HashData(onnx)).ToLowerInvariant();
        var manifest = new JsonObject
        {
            ["format"] = "ditplugin-model-package",
            ["formatVersion"] = 1,
            ["name"] = "tiny-test",
            ["description"] = "hand-encoded test graph",
            ["license"] = new JsonObject { ["id"] = "CC-BY-4.0", ["commercialUse"] = true, ["text"] = "t", ["attribution"] = "a" },
            ["architecture"] = new JsonObject { ["family"] = "DiT", ["depth"] = 1, ["hiddenSize"] = 8, ["numHeads"] = 1, ["patchSize"] = 2,
                ["mlpRatio"] = 4.0, ["block"] = "AdaLNZero", ["learnSigma"] = spec.LearnSigma },
            ["input"] = new JsonObject { ["size"] = spec.Size, ["channels"] = spec.Channels, ["space"] = "pixel" },
            ["output"] = new JsonObject { ["width"] = spec.Size, ["height"] = spec.Size, ["channels"] = spec.Channels, ["colorSpace"] = spec.ColorSpace },
            ["latent"] = null,
            ["classes"] = new JsonObject
            {
                ["count"] = spec.Classes, ["nullClass"] = spec.Classes,
                ["names"] = new JsonArray(ClassNames.Take(spec.Classes).Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
                ["synonyms"] = new JsonObject { ["tee"] = 0, ["pants"] = 1 },
            },
            ["schedule"] = new JsonObject { ["kind"] = "linear", ["timesteps"] = spec.Timesteps, ["betas"] = null },
            ["guidance"] = new JsonObject { ["guidedChannels"] = spec.Channels },
            ["graphs"] = new JsonArray(new JsonObject { ["role"] = "dit", ["file"] = "dit.onnx", ["precision"] = "fp32", ["batch"] = spec.Batch, ["opset"] = 17, ["sha256"] = sha }),
            ["contentHash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sha))).ToLowerInvariant(),
            ["training"] = new JsonObject { ["steps"] = 1 },
        };
        WriteManifest(folder, manifest);
        return manifest;
    }

    /// <summary>
    /// A per-pixel "VAE decoder": image = nearest-8x-upsample(W · latent · gain), W a fixed 3x4 1x1 convolution.
    /// Each output pixel depends on one latent pixel, so tiled and whole decoding must agree exactly; gain NaN makes
    /// a graph whose output is all NaN (the fp16 failure the fp32 fallback exists for).
    /// </summary>
    public static byte[] BuildDecoderGraph(int batch, int tile, float gain = 1f)
    {
        var weights = new float[] { 0.5f, -0.25f, 0.1f, 0.2f, -0.3f, 0.4f, 0.05f, -0.1f, 0.2f, 0.2f, -0.2f, 0.3f };
        var graph = new List<byte[]>
        {
            Node("Mul", new[] { "latent", "gain" }, "scaled"),
            Node("Conv", new[] { "scaled", "w" }, "rgb"),
            Node("Resize", new[] { "rgb", "", "scales" }, "image"),
        }.Select(n => Field(1, n)).ToList();
        graph.Add(Field(2, Encoding.UTF8.GetBytes("tiny_decoder")));
        graph.Add(Field(5, FloatTensor("gain", gain)));
        graph.Add(Field(5, FloatTensorN("w", new long[] { 3, 4, 1, 1 }, weights)));
        graph.Add(Field(5, FloatTensorN("scales", new long[] { 4 }, new[] { 1f, 1f, 8f, 8f })));
        graph.Add(Field(11, ValueInfo("latent", 1, new long[] { batch, 4, tile, tile })));
        graph.Add(Field(12, ValueInfo("image", 1, new long[] { batch, 3, tile * 8, tile * 8 })));
        return Concat(new List<byte[]>
        {
            VarintField(1, 8), Field(2, Encoding.UTF8.GetBytes("DiTPlugin.Tests")), Field(7, Concat(graph)),
            Field(8, Concat(new List<byte[]> { Field(1, Array.Empty<byte>()), VarintField(2, 17) })),
        });
    }

    /// <summary>
    /// A "VAE encoder" for <see cref="BuildDecoderGraph"/>'s packages: latent = E · (mean of each 8x8 block of the image),
    /// E a fixed 4x3 matrix, as one 8x8 stride-8 convolution with weights E[c, k]/64. Batch 1.
    /// </summary>
    public static byte[] BuildEncoderGraph(int size)
    {
        var kernel = new float[4 * 3 * 64];
        for (int c = 0; c < 4; c++)
            for (int k = 0; k < 3; k++)
                for (int p = 0; p < 64; p++) kernel[(c * 3 + k) * 64 + p] = EncoderWeight(c, k) / 64f;
        var graph = new List<byte[]>
        {
            Node("Conv", new[] { "image", "we" }, "latent", IntsAttribute("strides", 8, 8)),
        }.Select(n => Field(1, n)).ToList();
        graph.Add(Field(2, Encoding.UTF8.GetBytes("tiny_encoder")));
        graph.Add(Field(5, FloatTensorN("we", new long[] { 4, 3, 8, 8 }, kernel)));
        graph.Add(Field(11, ValueInfo("image", 1, new long[] { 1, 3, size * 8, size * 8 })));
        graph.Add(Field(12, ValueInfo("latent", 1, new long[] { 1, 4, size, size })));
        return Concat(new List<byte[]>
        {
            VarintField(1, 8), Field(2, Encoding.UTF8.GetBytes("DiTPlugin.Tests")), Field(7, Concat(graph)),
            Field(8, Concat(new List<byte[]> { Field(1, Array.Empty<byte>()), VarintField(2, 17) })),
        });
    }

    /// <summary>The 4x3 matrix of <see cref="BuildEncoderGraph"/>, for computing its output by hand.</summary>
    public static float EncoderWeight(int latentChannel, int imageChannel) =>
        new float[] { 0.6f, 0.3f, -0.2f, -0.4f, 0.5f, 0.1f, 0.2f, 0.2f, 0.7f, 0.3f, -0.3f, 0.25f }[latentChannel * 3 + imageChannel];

    /// <summary>
    /// Adds <see cref="BuildEncoderGraph"/> to a package written by <see cref="WriteLatentPackage(string, int, (string, string, int?, float)[])"/>
    /// as vae_encoder.onnx (role vae_encoder, batch 1), with formatVersion 4 and the contentHash over all graphs.
    /// </summary>
    public static JsonObject AddEncoder(string folder, JsonObject manifest)
    {
        int size = (int)manifest["input"]!["size"]!;
        var bytes = BuildEncoderGraph(size);
        File.WriteAllBytes(Path.Combine(folder, "vae_encoder.onnx"), bytes);
        var graphs = (JsonArray)manifest["graphs"]!;
        graphs.Add(new JsonObject
        {
            ["role"] = "vae_encoder", ["file"] = "vae_encoder.onnx", ["precision"] = "fp32", ["batch"] = 1, ["opset"] = 17,
            ["sha256"] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
        });
        manifest["formatVersion"] = 4;
        var shas = graphs.Select(g => (string)g!["sha256"]!);
        manifest["contentHash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", shas)))).ToLowerInvariant();
        WriteManifest(folder, manifest);
        return manifest;
    }

    /// <summary>
    /// A 4x "upscaler" for a package's images (role upscaler, batch 1): nearest-neighbour enlargement times
    /// <paramref name="gain"/>, so its output is known exactly.
    /// </summary>
    public static byte[] BuildUpscalerGraph(int channels, int height, int width, float gain = 1f)
    {
        var graph = new List<byte[]>
        {
            Node("Resize", new[] { "image", "", "scales" }, "enlarged"),
            Node("Mul", new[] { "enlarged", "gain" }, "upscaled"),
        }.Select(n => Field(1, n)).ToList();
        graph.Add(Field(2, Encoding.UTF8.GetBytes("tiny_upscaler")));
        graph.Add(Field(5, FloatTensor("gain", gain)));
        graph.Add(Field(5, FloatTensorN("scales", new long[] { 4 }, new[] { 1f, 1f, 4f, 4f })));
        graph.Add(Field(11, ValueInfo("image", 1, new long[] { 1, channels, height, width })));
        graph.Add(Field(12, ValueInfo("upscaled", 1, new long[] { 1, channels, height * 4, width * 4 })));
        return Concat(new List<byte[]>
        {
            VarintField(1, 8), Field(2, Encoding.UTF8.GetBytes("DiTPlugin.Tests")), Field(7, Concat(graph)),
            Field(8, Concat(new List<byte[]> { Field(1, Array.Empty<byte>()), VarintField(2, 17) })),
        });
    }

    /// <summary>Adds <see cref="BuildUpscalerGraph"/> to a written package as upscaler.onnx (factor 4), with formatVersion 5.</summary>
    public static JsonObject AddUpscaler(string folder, JsonObject manifest, float gain = 1f)
    {
        var output = manifest["output"]!;
        var bytes = BuildUpscalerGraph((int)output["channels"]!, (int)output["height"]!, (int)output["width"]!, gain);
        File.WriteAllBytes(Path.Combine(folder, "upscaler.onnx"), bytes);
        var graphs = (JsonArray)manifest["graphs"]!;
        graphs.Add(new JsonObject
        {
            ["role"] = "upscaler", ["file"] = "upscaler.onnx", ["precision"] = "fp32", ["batch"] = 1, ["opset"] = 17, ["factor"] = 4,
            ["sha256"] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
        });
        manifest["formatVersion"] = 5;
        var shas = graphs.Select(g => (string)g!["sha256"]!);
        manifest["contentHash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", shas)))).ToLowerInvariant();
        WriteManifest(folder, manifest);
        return manifest;
    }

    /// <summary>The 3x4 matrix of <see cref="BuildDecoderGraph"/>, for computing its output by hand.</summary>
    public static float DecoderWeight(int outChannel, int inChannel) =>
        new float[] { 0.5f, -0.25f, 0.1f, 0.2f, -0.3f, 0.4f, 0.05f, -0.1f, 0.2f, 0.2f, -0.2f, 0.3f }[outChannel * 4 + inChannel];

    /// <summary>
    /// A latent package: the tiny DiT on 4 channels of side <paramref name="size"/> plus the given decoder graphs
    /// (file, precision, tile side or null, gain), each listed in graphs with role vae_decoder; latent.decoder is the first.
    /// </summary>
    public static JsonObject WriteLatentPackage(string folder, int size, params (string File, string Precision, int? Tile, float Gain)[] decoders) =>
        WriteLatentPackage(folder, size, decoders.Select(d => (d.File, d.Precision, d.Tile, d.Gain, (string?)null)).ToArray());

    /// <summary>As above; a non-null Padding ("circular") is written as the graph's padding field.</summary>
    public static JsonObject WriteLatentPackage(string folder, int size, (string File, string Precision, int? Tile, float Gain, string? Padding)[] decoders)
    {
        var spec = new Spec { Size = size, Channels = 4 };
        var manifest = WritePackage(folder, spec);
        var graphs = (JsonArray)manifest["graphs"]!;
        var shas = new List<string> { (string)graphs[0]!["sha256"]! };
        foreach (var (file, precision, tile, gain, padding) in decoders)
        {
            var bytes = BuildDecoderGraph(spec.Batch, tile ?? size, gain);
            File.WriteAllBytes(Path.Combine(folder, file), bytes);
            string sha = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            shas.Add(sha);
            var entry = new JsonObject { ["role"] = "vae_decoder", ["file"] = file, ["precision"] = precision, ["batch"] = spec.Batch, ["opset"] = 17, ["sha256"] = sha };
            if (tile != null) entry["tileSize"] = tile;
            if (padding != null) entry["padding"] = padding;
            graphs.Add(entry);
        }
        manifest["input"]!["space"] = "latent";
        manifest["output"] = new JsonObject { ["width"] = size * 8, ["height"] = size * 8, ["channels"] = 3, ["colorSpace"] = "sRGB" };
        manifest["latent"] = new JsonObject { ["scale"] = 0.5, ["downsample"] = 8, ["decoder"] = decoders[0].File, ["decoderSha256"] = shas[1] };
        manifest["guidance"] = new JsonObject { ["guidedChannels"] = 3 };
        manifest["license"] = new JsonObject { ["id"] = "CC-BY-NC-4.0", ["commercialUse"] = false, ["text"] = "non-commercial", ["attribution"] = "test" };
        manifest["contentHash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", shas)))).ToLowerInvariant();
        WriteManifest(folder, manifest);
        return manifest;
    }

    public static void WriteManifest(string folder, JsonObject manifest) =>
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

    // --- protobuf encoding ---

    private static byte[] Node(string op, string[] inputs, string output, byte[]? attribute = null)
    {
        var parts = inputs.Select(i => Field(1, Encoding.UTF8.GetBytes(i))).ToList();
        parts.Add(Field(2, Encoding.UTF8.GetBytes(output)));
        parts.Add(Field(3, Encoding.UTF8.GetBytes(op + "_" + output)));
        parts.Add(Field(4, Encoding.UTF8.GetBytes(op)));
        if (attribute != null) parts.Add(Field(5, attribute));
        return Concat(parts);
    }

    private static byte[] IntsAttribute(string name, params long[] values)
    {
        var parts = new List<byte[]> { Field(1, Encoding.UTF8.GetBytes(name)) };
        parts.AddRange(values.Select(v => VarintField(8, (ulong)v)));
        parts.Add(VarintField(20, 7));
        return Concat(parts);
    }

    private static byte[] IntAttribute(string name, long value) =>
        Concat(new List<byte[]> { Field(1, Encoding.UTF8.GetBytes(name)), VarintField(3, (ulong)value), VarintField(20, 2) });

    private static byte[] FloatTensor(string name, float value) => Concat(new List<byte[]>
    {
        VarintField(1, 1), VarintField(2, 1), Field(8, Encoding.UTF8.GetBytes(name)), Field(9, BitConverter.GetBytes(value)),
    });

    /// <summary>A float scalar whose 4 bytes live in another file: external_data {location, offset 0, length 4}, data_location EXTERNAL.</summary>
    private static byte[] ExternalFloatTensor(string name, string location, string offset, string length) => Concat(new List<byte[]>
    {
        VarintField(1, 1), VarintField(2, 1), Field(8, Encoding.UTF8.GetBytes(name)),
        Field(13, Concat(new List<byte[]> { Field(1, Encoding.UTF8.GetBytes("location")), Field(2, Encoding.UTF8.GetBytes(location)) })),
        Field(13, Concat(new List<byte[]> { Field(1, Encoding.UTF8.GetBytes("offset")), Field(2, Encoding.UTF8.GetBytes(offset)) })),
        Field(13, Concat(new List<byte[]> { Field(1, Encoding.UTF8.GetBytes("length")), Field(2, Encoding.UTF8.GetBytes(length)) })),
        VarintField(14, 1),
    });

    private static byte[] FloatTensorN(string name, long[] dims, float[] values)
    {
        var parts = dims.Select(d => VarintField(1, (ulong)d)).ToList();
        parts.Add(VarintField(2, 1));
        parts.Add(Field(8, Encoding.UTF8.GetBytes(name)));
        parts.Add(Field(9, values.SelectMany(BitConverter.GetBytes).ToArray()));
        return Concat(parts);
    }

    private static byte[] Int64Tensor(string name, long[] values) => Concat(new List<byte[]>
    {
        VarintField(1, (ulong)values.Length), VarintField(2, 7), Field(8, Encoding.UTF8.GetBytes(name)),
        Field(9, values.SelectMany(BitConverter.GetBytes).ToArray()),
    });

    private static byte[] ValueInfo(string name, int elemType, long[] shape)
    {
        var dims = shape.Select(d => Field(1, VarintField(1, (ulong)d))).ToList();
        var tensorType = Concat(new List<byte[]> { VarintField(1, (ulong)elemType), Field(2, Concat(dims)) });
        return Concat(new List<byte[]> { Field(1, Encoding.UTF8.GetBytes(name)), Field(2, Field(1, tensorType)) });
    }

    // The protobuf wire format, written by the shared test writer.
    private static byte[] Field(int number, byte[] payload) => Proto.Bytes(number, payload);

    private static byte[] VarintField(int number, ulong value) => Proto.Number(number, value);

    private static byte[] Concat(List<byte[]> parts) => Proto.Join(parts.ToArray());
}
