using System.Collections.Generic;
using System.Numerics;

namespace DiT.Training.Formats.Pickle;

/// <summary>Short, bounded descriptions of pickle values for error messages (never the whole value: it comes from the file).</summary>
public static class PickleKinds
{
    public static string Describe(object? v) => v switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string s => s.Length <= 40 ? $"str '{s}'" : $"str '{s[..40]}…' ({s.Length} chars)",
        byte[] b => $"bytes({b.Length})",
        List<object?> l => $"list({l.Count})",
        PickleTuple t => $"tuple({t.Count})",
        PickleDict d => d.ToString(),
        PickleSet s => s.ToString(),
        PickleNamespace => "Namespace",
        TorchTensorRef t => $"tensor({t.Dtype.Name}, [{string.Join(", ", t.Size)}])",
        TorchStorageRef s => $"storage '{s.Key}'",
        PickleGlobal g => $"global {g.FullName}",
        _ => v.GetType().Name,
    };
}
