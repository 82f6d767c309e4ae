using System;
using System.Collections.Generic;

namespace DiTPlugin.Tests.Hostile;

/// <summary>This part: graph files damaged with their sha256 and contentHash recomputed, so the damage reaches the graph checks.</summary>
public static partial class HostileCorpus
{
    /// <summary>The DiT graph cut short at offsets spread over it.</summary>
    public static IEnumerable<HostileCase> GraphTruncations(int seed, int count)
    {
        var rng = new System.Random(seed);
        var graph = BasePackages.Pixel["dit.onnx"];
        var offsets = new SortedSet<int> { 0, 1, 2, 3, graph.Length - 1, graph.Length - 2 };
        while (offsets.Count < count) offsets.Add(rng.Next(graph.Length));
        foreach (int at in offsets)
            yield return new HostileCase($"graph-truncated@{at}", d => Folder(d, BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", graph[..at])), Expect.Refused, "dit.onnx: ");
    }

    /// <summary>One bit flipped in the DiT graph or the decoder (a flip in a weight leaves a valid, different model).</summary>
    public static IEnumerable<HostileCase> GraphBitFlips(int seed, int count)
    {
        var rng = new System.Random(seed);
        for (int k = 0; k < count; k++)
        {
            string file = k % 3 == 2 ? "vae_decoder.onnx" : "dit.onnx";
            var graph = BasePackages.Latent[file];
            int at = rng.Next(graph.Length), bit = rng.Next(8);
            var flipped = (byte[])graph.Clone();
            flipped[at] ^= (byte)(1 << bit);
            yield return new HostileCase($"graph-flip:{file}@{at}.{bit}", d => Folder(d, BasePackages.WithGraph(BasePackages.Latent, file, flipped)), Expect.Either);
        }
    }

    /// <summary>Graphs that are not ONNX at all, or hide their weights in another file.</summary>
    public static IEnumerable<HostileCase> ForeignGraphs(int seed)
    {
        var rng = new System.Random(seed);
        var noise = new byte[4096];
        rng.NextBytes(noise);
        var pixel = BasePackages.Pixel;
        yield return new HostileCase("graph=random-bytes", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", noise)), Expect.Refused, "dit.onnx: ");
        yield return new HostileCase("graph=empty", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", Array.Empty<byte>())), Expect.Refused, "dit.onnx: ", "empty");
        yield return new HostileCase("graph=model.json", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", pixel["model.json"])), Expect.Refused, "dit.onnx: ");
        var ortFormat = new byte[64];
        "ORTM"u8.CopyTo(ortFormat.AsSpan(4));
        yield return new HostileCase("graph=ort-format", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", ortFormat)), Expect.Refused, "dit.onnx: ", "ONNX Runtime (.ort)");
        // Valid protobuf for the scan, but no graph for ONNX Runtime: its own error, wrapped.
        yield return new HostileCase("graph=ir-version-only", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", Proto.Number(1, 8))), Expect.Refused, "dit.onnx: ", "ONNX Runtime");
        var external = TinyOnnxModel.BuildGraph(new TinyOnnxModel.Spec { ExternalDataLocation = "weights.bin" });
        yield return new HostileCase("graph=external-data", d =>
        {
            var built = Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", external));
            System.IO.File.WriteAllBytes(System.IO.Path.Combine(d, "weights.bin"), BitConverter.GetBytes(0.5f));
            return built;
        }, Expect.Refused, "dit.onnx: ", "c_eps", "external data", "weights.bin");
        // A Constant node inside an If's subgraph, appended as a second graph field (protobuf merges it into the first).
        var nested = Proto.Join(pixel["dit.onnx"], Proto.Message(7,
            Proto.Message(1, Proto.Text(2, "never"), Proto.Text(4, "If"), Proto.Message(5, Proto.Text(1, "then_branch"), Proto.Number(20, 5),
                Proto.Message(6, Proto.Message(1, Proto.Text(2, "k"), Proto.Text(4, "Constant"),
                    Proto.Message(5, Proto.Text(1, "value"), Proto.Number(20, 4), Proto.Message(5, Proto.ExternalTensor("deep", "/etc/hostname")))))))));
        yield return new HostileCase("graph=external-data-in-subgraph", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", nested)),
            Expect.Refused, "dit.onnx: ", "'deep'", "/etc/hostname");
        // Messages nested past protobuf's recursion limit.
        byte[] deep = Proto.Message(5, Proto.Text(1, "g"));
        for (int i = 0; i < 60; i++) deep = Proto.Message(5, Proto.Text(1, "a"), Proto.Message(6, Proto.Message(1, Proto.Text(4, "If"), deep)));
        var tooDeep = Proto.Join(pixel["dit.onnx"], Proto.Message(7, Proto.Message(1, Proto.Text(4, "If"), deep)));
        yield return new HostileCase("graph=nested-too-deep", d => Folder(d, BasePackages.WithGraph(pixel, "dit.onnx", tooDeep)), Expect.Refused, "dit.onnx: ", "nest deeper");
    }
}
