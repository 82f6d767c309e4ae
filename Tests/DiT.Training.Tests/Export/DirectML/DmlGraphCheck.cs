using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiT.Training.Export.Onnx;

namespace DiT.Training.Tests.Export.DirectML;

/// <summary>
/// Checks an ONNX graph against the DirectML execution provider's recorded registrations
/// (<see cref="DmlOperatorTable"/>): the model's opset, every node's op, domain and resolved version, the element types
/// bound to each type parameter, the attributes and their values, the inputs DirectML reads on the CPU, the rank of
/// every tensor, and static shapes. Each problem names the node (or the graph input, output or initializer) it is
/// about, so a failing test says where the exporter went wrong.
/// </summary>
internal static class DmlGraphCheck
{
    /// <param name="computed">Every node output's shape and type as ONNX Runtime computed them (<see cref="OrtComputedTensors"/>).</param>
    public static List<string> Problems(ModelProto model, DmlOperatorTable table, IReadOnlyDictionary<string, TensorFact> computed)
    {
        var problems = new List<string>();
        var g = model.Graph;

        // The model's opsets: DirectML's provider supports ai.onnx up to maxOpset.
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in model.OpsetImport)
        {
            var domain = DmlOperatorTable.NormalizeDomain(o.Domain);
            opsets[domain] = o.Version;
            if (domain == "ai.onnx" && o.Version > table.MaxOpset)
                problems.Add($"the model imports ai.onnx opset {o.Version}; DirectML's provider supports up to opset {table.MaxOpset}.");
        }

        // Static shapes: every declared dimension a positive number, no symbolic or missing ones.
        foreach (var (kind, v) in g.Input.Select(v => ("graph input", v)).Concat(g.Output.Select(v => ("graph output", v)))
                     .Concat(g.ValueInfo.Select(v => ("value_info", v))))
            if (StaticShape(v) is { } why) problems.Add($"{kind} '{v.Name}': {why}; DirectML wants static shapes.");

        // What is known of every tensor: declared inputs, initializers, and node outputs as ONNX Runtime computed them.
        var facts = new Dictionary<string, TensorFact>(StringComparer.Ordinal);
        var producer = new Dictionary<string, string>(StringComparer.Ordinal);
        var initializers = g.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var i in g.Input)
            facts[i.Name] = new TensorFact(i.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray(), i.Type.TensorType.ElemType);
        foreach (var t in g.Initializer) facts[t.Name] = new TensorFact(t.Dims.ToArray(), t.DataType);
        foreach (var n in g.Node)
            foreach (var o in n.Output.Where(o => o.Length > 0))
            {
                producer[o] = n.Name;
                if (computed.TryGetValue(o, out var f)) facts[o] = f;
                else problems.Add($"{n.Name}: ONNX Runtime computed no value for its output '{o}'.");
            }

        // The exporter's value_info must agree with what ONNX Runtime computed (it is what a static-shape reader trusts).
        foreach (var v in g.ValueInfo.Concat(g.Output))
            if (StaticShape(v) is null && facts.TryGetValue(v.Name, out var f) && v.Type.TensorType.Shape is { } declared)
            {
                var dims = declared.Dim.Select(d => d.DimValue).ToArray();
                if (!dims.SequenceEqual(f.Shape) || v.Type.TensorType.ElemType != f.ElemType)
                    problems.Add($"{Owner(v.Name)}: '{v.Name}' is declared {TypeName(v.Type.TensorType.ElemType)}[{string.Join(",", dims)}] " +
                                 $"but ONNX Runtime computed {TypeName(f.ElemType)}[{string.Join(",", f.Shape)}].");
            }

        // Rank: DirectML's tensor descriptors take at most maxRank dimensions.
        foreach (var (name, f) in facts)
            if (f.Rank > table.MaxRank)
                problems.Add($"{Owner(name)}: '{name}' has rank {f.Rank} [{string.Join(",", f.Shape)}]; DirectML takes at most {table.MaxRank} dimensions.");

        foreach (var n in g.Node) CheckNode(n, table, opsets, facts, initializers, problems);
        return problems;

        string Owner(string value) => producer.TryGetValue(value, out var node) ? node
            : initializers.Contains(value) ? $"initializer '{value}'" : $"graph input '{value}'";
    }

    private static void CheckNode(NodeProto n, DmlOperatorTable table, IReadOnlyDictionary<string, long> opsets,
        IReadOnlyDictionary<string, TensorFact> facts, IReadOnlySet<string> initializers, List<string> problems)
    {
        string domain = DmlOperatorTable.NormalizeDomain(n.Domain);
        var op = table.Find(domain, n.OpType);
        if (op is null)
        {
            problems.Add($"{n.Name}: {domain}:{n.OpType} is not among the DirectML kernels recorded in {DmlOperatorTable.RelativePath} " +
                         "(the subset our exporters need; add it there only with the registration that backs it).");
            return;
        }
        if (!opsets.TryGetValue(domain, out long opset))
        {
            problems.Add($"{n.Name}: the model imports no opset for domain {domain}.");
            return;
        }
        // Versions above maxOpset are not recorded, so a newer opset cannot be resolved here (reported once, above).
        if (domain == "ai.onnx" && opset > table.MaxOpset) return;

        int? version = op.SchemaVersion(opset);
        if (version is null)
        {
            problems.Add($"{n.Name}: {n.OpType} does not exist in {domain} opset {opset}.");
            return;
        }
        var kernel = op.Kernels.FirstOrDefault(k => k.Since == version);
        if (kernel is null)
        {
            problems.Add($"{n.Name}: {n.OpType} resolves to version {version} at opset {opset}, and DirectML registers " +
                         $"{n.OpType} only for versions {string.Join(", ", op.Kernels.Select(k => k.Since))} (a kernel matches its exact since-version).");
            return;
        }
        if (op.SignatureSince != version)
        {
            problems.Add($"{n.Name}: no signature is recorded for {n.OpType}-{version} (only for {n.OpType}-{op.SignatureSince}).");
            return;
        }

        int inputs = n.Input.Count, outputs = n.Output.Count(o => o.Length > 0);
        if (op.MinInputs is int min && inputs < min) problems.Add($"{n.Name}: {n.OpType} with {inputs} inputs; DirectML's kernel wants at least {min}.");
        if (op.MaxInputs is int maxIn && inputs > maxIn) problems.Add($"{n.Name}: {n.OpType} with {inputs} inputs; DirectML's kernel takes at most {maxIn}.");
        if (op.MaxOutputs is int maxOut && outputs > maxOut) problems.Add($"{n.Name}: {n.OpType} with {outputs} outputs; DirectML's kernel produces at most {maxOut}.");

        // Element types: bind each formal type parameter, then check it against the kernel's constraint.
        var bound = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Bind(IReadOnlyList<string> formals, IList<string> actuals, string kind)
        {
            for (int i = 0; i < actuals.Count; i++)
            {
                if (actuals[i].Length == 0) continue;                                 // an optional input left out
                if (formals.Count == 0 || (i >= formals.Count && !formals[^1].EndsWith("...", StringComparison.Ordinal)))
                {
                    problems.Add($"{n.Name}: {kind} {i} ('{actuals[i]}') is beyond {n.OpType}'s {formals.Count} formal {kind}s.");
                    continue;
                }
                string formal = formals[Math.Min(i, formals.Count - 1)].TrimEnd('.');
                if (!facts.TryGetValue(actuals[i], out var f))
                {
                    problems.Add($"{n.Name}: nothing is known of its {kind} '{actuals[i]}'.");
                    continue;
                }
                string type = TypeName(f.ElemType);
                if (formal.StartsWith("tensor(", StringComparison.Ordinal))
                {
                    if (formal != $"tensor({type})") problems.Add($"{n.Name}: {kind} {i} ('{actuals[i]}') is {type}; {n.OpType} takes {formal} there.");
                }
                else
                {
                    if (!bound.TryGetValue(formal, out var set)) bound[formal] = set = new HashSet<string>(StringComparer.Ordinal);
                    set.Add(type);
                }
            }
        }
        Bind(op.Inputs, n.Input, "input");
        Bind(op.Outputs, n.Output, "output");
        foreach (var (param, types) in bound)
        {
            if (types.Count > 1)
                problems.Add($"{n.Name}: type parameter {param} is bound to {string.Join(" and ", types.OrderBy(t => t))}.");
            if (!kernel.Types.TryGetValue(param, out var allowed))
                problems.Add($"{n.Name}: DirectML's {n.OpType}-{version} kernel records no constraint for {param}.");
            else
                foreach (var t in types.Where(t => !allowed.Contains(t)))
                    problems.Add($"{n.Name}: {n.OpType}-{version} with {param} = {t}; DirectML's kernel takes {param} in " +
                                 $"{{{string.Join(", ", allowed.OrderBy(a => a))}}}.");
        }

        // Attributes: known to the schema version, with a value DirectML accepts where it restricts them.
        foreach (var a in n.Attribute)
        {
            if (!op.Attributes.TryGetValue(a.Name, out var values))
                problems.Add($"{n.Name}: attribute '{a.Name}' is not recorded for {n.OpType}-{version} " +
                             $"(recorded: {(op.Attributes.Count == 0 ? "none" : string.Join(", ", op.Attributes.Keys))}).");
            else if (values is not null && !values.Contains(AttributeText(a)))
                problems.Add($"{n.Name}: {a.Name} = {AttributeText(a)}; DirectML's {n.OpType} takes {string.Join(" | ", values)}.");
        }

        // Inputs DirectML reads on the CPU while it builds the operator must be initializers, fixed when the session starts.
        foreach (int i in op.CpuInputs.Where(i => i < n.Input.Count && n.Input[i].Length > 0))
            if (!initializers.Contains(n.Input[i]))
                problems.Add($"{n.Name}: input {i} ('{n.Input[i]}') is computed at run time, but DirectML reads it on the CPU when it " +
                             "builds the operator; it must be an initializer.");
    }

    private static string? StaticShape(ValueInfoProto v)
    {
        if (v.Type?.TensorType is not { } tt) return "no tensor type";
        if (tt.Shape is null) return "no shape";
        for (int i = 0; i < tt.Shape.Dim.Count; i++)
        {
            var d = tt.Shape.Dim[i];
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam) return $"dimension {i} is symbolic ('{d.DimParam}')";
            if (d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue <= 0) return $"dimension {i} has no size";
        }
        return null;
    }

    public static string AttributeText(AttributeProto a) => a.Type switch
    {
        AttributeProto.Types.AttributeType.Int => a.I.ToString(CultureInfo.InvariantCulture),
        AttributeProto.Types.AttributeType.Float => a.F.ToString("R", CultureInfo.InvariantCulture),
        AttributeProto.Types.AttributeType.String => a.S.ToStringUtf8(),
        AttributeProto.Types.AttributeType.Ints => string.Join(",", a.Ints),
        AttributeProto.Types.AttributeType.Floats => string.Join(",", a.Floats.Select(f => f.ToString("R", CultureInfo.InvariantCulture))),
        var t => $"<{t}>",
    };

    /// <summary>ONNX's element type names (TensorProto.DataType), as ONNX Runtime's operator tables write them.</summary>
    public static string TypeName(int elemType) => elemType switch
    {
        1 => "float", 2 => "uint8", 3 => "int8", 4 => "uint16", 5 => "int16", 6 => "int32", 7 => "int64", 8 => "string",
        9 => "bool", 10 => "float16", 11 => "double", 12 => "uint32", 13 => "uint64", 16 => "bfloat16",
        _ => $"type{elemType}",
    };
}
