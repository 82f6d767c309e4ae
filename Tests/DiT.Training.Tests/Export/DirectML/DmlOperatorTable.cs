using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiTPlugin.TestSupport;

namespace DiT.Training.Tests.Export.DirectML;

/// <summary>One DirectML kernel registration: its since-version and the allowed element types per type parameter.</summary>
internal sealed record DmlKernel(int Since, IReadOnlyDictionary<string, IReadOnlySet<string>> Types);

/// <summary>
/// What Tests/fixtures/directml_operators.json records for one op: the ONNX versions that (re)define it, the formal
/// signature of the version our opset resolves to, DirectML's registrations, the inputs DirectML reads on the CPU, the
/// attributes and their allowed values (null = any), and arity limits from DirectML's support queries.
/// </summary>
internal sealed record DmlOperator(
    string Op, string Domain, int[] OnnxSince, int SignatureSince, string[] Inputs, string[] Outputs,
    IReadOnlyDictionary<string, IReadOnlySet<string>?> Attributes, int[] CpuInputs, int? MinInputs, int? MaxInputs,
    int? MaxOutputs, DmlKernel[] Kernels)
{
    /// <summary>The since-version of the op's schema in a model importing <paramref name="opset"/>, or null if the op is newer.</summary>
    public int? SchemaVersion(long opset)
    {
        var v = OnnxSince.Where(s => s <= opset).DefaultIfEmpty(0).Max();
        return v == 0 ? null : v;
    }
}

/// <summary>The recorded subset of ONNX Runtime's DirectML registrations (see the file's provenance).</summary>
internal sealed class DmlOperatorTable
{
    public const string RelativePath = "Tests/fixtures/directml_operators.json";

    public int MaxOpset { get; }
    public int MaxRank { get; }
    public string Provenance { get; }
    private readonly Dictionary<(string Domain, string Op), DmlOperator> ops;

    private DmlOperatorTable(int maxOpset, int maxRank, string provenance, IEnumerable<DmlOperator> operators)
    {
        MaxOpset = maxOpset;
        MaxRank = maxRank;
        Provenance = provenance;
        ops = operators.ToDictionary(o => (o.Domain, o.Op));
    }

    public IEnumerable<DmlOperator> Operators => ops.Values;

    /// <summary>The op as the table records it; ONNX's default domain is written "" in graphs and "ai.onnx" here.</summary>
    public DmlOperator? Find(string domain, string op) =>
        ops.TryGetValue((NormalizeDomain(domain), op), out var o) ? o : null;

    public static string NormalizeDomain(string domain) => domain is "" or "ai.onnx" ? "ai.onnx" : domain;

    public static DmlOperatorTable Load() => Parse(File.ReadAllText(RepoPaths.Find(RelativePath)));

    public static DmlOperatorTable Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var sets = root.GetProperty("typeSets").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlySet<string>)p.Value.EnumerateArray().Select(e => e.GetString()!).ToHashSet());
        IReadOnlySet<string> Set(string name) => sets.TryGetValue(name, out var s) ? s
            : throw new InvalidDataException($"{RelativePath}: unknown type set '{name}'.");

        var operators = new List<DmlOperator>();
        foreach (var o in root.GetProperty("operators").EnumerateArray())
        {
            string op = o.GetProperty("op").GetString()!;
            var sig = o.GetProperty("signature");
            var attributes = new Dictionary<string, IReadOnlySet<string>?>();
            if (o.TryGetProperty("attributes", out var attrs))
                foreach (var a in attrs.EnumerateObject())
                    attributes[a.Name] = a.Value.ValueKind == JsonValueKind.Null ? null
                        : a.Value.EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            var kernels = o.GetProperty("dml").EnumerateArray().Select(k => new DmlKernel(
                k.GetProperty("since").GetInt32(),
                k.GetProperty("types").EnumerateObject().ToDictionary(t => t.Name, t => Set(t.Value.GetString()!)))).ToArray();
            int? Opt(string name) => o.TryGetProperty(name, out var v) ? v.GetInt32() : null;
            operators.Add(new DmlOperator(
                op, NormalizeDomain(o.GetProperty("domain").GetString()!),
                o.GetProperty("onnxSince").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                sig.GetProperty("since").GetInt32(),
                sig.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                sig.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                attributes,
                o.TryGetProperty("cpuInputs", out var cpu) ? cpu.EnumerateArray().Select(e => e.GetInt32()).ToArray() : Array.Empty<int>(),
                Opt("minInputs"), Opt("maxInputs"), Opt("maxOutputs"), kernels));
        }
        return new DmlOperatorTable(root.GetProperty("maxOpset").GetInt32(), root.GetProperty("maxRank").GetInt32(),
            root.GetProperty("provenance").GetRawText(), operators);
    }
}
