using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Formats.Pickle;

/// <summary>What an allowlisted global stands for; each kind's behaviour is written in C# (<see cref="PickleCallables"/>).</summary>
public enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildTensorV3,
    RebuildParameter,
    RebuildParameterWithState,
    StorageClass,
    Dtype,
    Namespace,
    Set,
    FrozenSet,
}

/// <summary>
/// A global (module + name) the pickle referred to, after it passed the allowlist. It is only a marker: REDUCE,
/// NEWOBJ and BUILD on it run our own C# for that kind, so no name in a file ever reaches code we did not write.
/// </summary>
public sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, TorchDtype? Dtype = null)
{
    public string FullName => Module + "." + Name;
    public override string ToString() => FullName;
}

/// <summary>
/// The allowlist: exactly the globals a <c>torch.save</c> of state dicts, optimizer state and an argparse Namespace
/// emits. Anything else (<c>posix.system</c>, <c>builtins.eval</c>, a model class, ...) is refused at the GLOBAL
/// opcode, before any argument is even read, which is what makes a hostile checkpoint harmless.
/// </summary>
public static class PickleGlobals
{
    private static readonly Dictionary<string, PickleGlobal> Table = Build();

    private static Dictionary<string, PickleGlobal> Build()
    {
        var t = new Dictionary<string, PickleGlobal>(System.StringComparer.Ordinal);
        void Add(string module, string name, PickleGlobalKind kind, TorchDtype? dtype = null) =>
            t[module + "." + name] = new PickleGlobal(module, name, kind, dtype);
        Add("collections", "OrderedDict", PickleGlobalKind.OrderedDict);
        Add("torch._utils", "_rebuild_tensor_v2", PickleGlobalKind.RebuildTensorV2);
        Add("torch._utils", "_rebuild_tensor_v3", PickleGlobalKind.RebuildTensorV3);
        Add("torch._utils", "_rebuild_parameter", PickleGlobalKind.RebuildParameter);
        Add("torch._utils", "_rebuild_parameter_with_state", PickleGlobalKind.RebuildParameterWithState);
        foreach (var (name, dtype) in TorchDtype.StorageClasses) Add("torch", name, PickleGlobalKind.StorageClass, dtype);
        foreach (var (name, dtype) in TorchDtype.Supported.Concat(TorchDtype.Unsupported)) Add("torch", name, PickleGlobalKind.Dtype, dtype);
        Add("argparse", "Namespace", PickleGlobalKind.Namespace);
        // Protocol 2 pickles sets as set(list) via REDUCE; Python 3 writes the module under its Python 2 name.
        foreach (var module in new[] { "builtins", "__builtin__" })
        {
            Add(module, "set", PickleGlobalKind.Set);
            Add(module, "frozenset", PickleGlobalKind.FrozenSet);
        }
        return t;
    }

    public static bool TryResolve(string module, string name, out PickleGlobal global) =>
        Table.TryGetValue(module + "." + name, out global!);

    /// <summary>The allowlist in words, for error messages.</summary>
    public static string Describe() =>
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_tensor_v3, " +
        "torch._utils._rebuild_parameter, torch._utils._rebuild_parameter_with_state, " +
        $"torch.{{{string.Join(",", TorchDtype.StorageClasses.Keys)}}}, " +
        $"torch.{{{string.Join(",", TorchDtype.Supported.Keys.Concat(TorchDtype.Unsupported.Keys))}}} (dtypes), " +
        "argparse.Namespace (as inert data), builtins.set, builtins.frozenset";
}
