using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace DiT.Training.Tests.Export.DirectML;

/// <summary>A tensor's shape and ONNX element type (TensorProto.DataType).</summary>
internal sealed record TensorFact(long[] Shape, int ElemType)
{
    public int Rank => Shape.Length;
}

/// <summary>
/// The shape and element type of every node output as ONNX Runtime computes them when it runs the graph on the CPU.
/// The exporter's own value_info is removed first and every node output is made a graph output, so the shapes come from
/// ONNX Runtime's execution, not from the exporter's bookkeeping (which the check then compares against them). ONNX
/// shape inference is not reachable from C#, and a shape propagation of our own would share the exporter's blind spots.
/// </summary>
internal static class OrtComputedTensors
{
    public static Dictionary<string, TensorFact> Compute(ModelProto model)
    {
        var m = model.Clone();
        var g = m.Graph;
        g.ValueInfo.Clear();
        var outputs = g.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var n in g.Node)
            foreach (var o in n.Output)
                if (o.Length > 0 && outputs.Add(o)) g.Output.Add(new ValueInfoProto { Name = o });

        using var so = new SessionOptions
        {
            IntraOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            // Run the graph as written: fusions would replace our nodes with ones this check is not about.
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        using var session = new InferenceSession(DiTOnnxExporter.ToBytes(m), so);
        var names = g.Input.Select(i => i.Name).ToArray();
        var values = g.Input.Select(Fill).ToArray();
        try
        {
            var outNames = g.Output.Select(o => o.Name).ToArray();
            using var ro = new RunOptions();
            using var results = session.Run(ro, names, values, outNames);
            var facts = new Dictionary<string, TensorFact>(StringComparer.Ordinal);
            for (int i = 0; i < outNames.Length; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                facts[outNames[i]] = new TensorFact(info.Shape, (int)info.ElementDataType);
            }
            return facts;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>
    /// An input of the declared static shape with small deterministic values; integer inputs are 0, a valid class
    /// label and index for every graph we export.
    /// </summary>
    private static OrtValue Fill(ValueInfoProto input)
    {
        var dims = input.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue
            : throw new ArgumentException($"graph input '{input.Name}' has a symbolic dimension; give it a size to run it.")).ToArray();
        long count = dims.Aggregate(1L, (p, d) => p * d);
        return input.Type.TensorType.ElemType switch
        {
            (int)OnnxType.Float => OrtValue.CreateTensorValueFromMemory(
                Enumerable.Range(0, (int)count).Select(i => 0.1f * (i % 7 - 3)).ToArray(), dims),
            (int)OnnxType.Int64 => OrtValue.CreateTensorValueFromMemory(new long[count], dims),
            var t => throw new NotSupportedException($"graph input '{input.Name}' has element type {t}; only float and int64 inputs are filled."),
        };
    }
}
