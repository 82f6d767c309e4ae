using System;
using System.Collections.Generic;
using System.IO;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// Our C# stand-ins for the allowlisted Python callables, applied by REDUCE, NEWOBJ and BUILD. They build inert values
/// (dicts, sets, tensor descriptions, Namespace records) and check every argument's type and range, since the
/// arguments come from the file. Problems are <see cref="InvalidDataException"/>s; the machine adds the offset.
/// </summary>
internal static class PickleCallables
{
    /// <summary>Tensors with more dimensions than this are refused (torch itself allows at most 64).</summary>
    public const int MaxDims = 64;

    public static object? Reduce(PickleGlobal g, PickleTuple args) => g.Kind switch
    {
        PickleGlobalKind.OrderedDict => NewOrderedDict(args),
        PickleGlobalKind.RebuildTensorV2 => RebuildTensor(args, v3: false),
        PickleGlobalKind.RebuildTensorV3 => RebuildTensor(args, v3: true),
        PickleGlobalKind.RebuildParameter => RebuildParameter(args, withState: false),
        PickleGlobalKind.RebuildParameterWithState => RebuildParameter(args, withState: true),
        PickleGlobalKind.Set or PickleGlobalKind.FrozenSet => NewSet(args, g.Kind == PickleGlobalKind.FrozenSet),
        _ => throw new InvalidDataException($"'{g.FullName}' cannot be called (REDUCE) by this reader"),
    };

    /// <summary>NEWOBJ: <c>cls.__new__(cls, *args)</c>; only for the Namespace record and OrderedDict, with no arguments.</summary>
    public static object NewObj(PickleGlobal g, PickleTuple args)
    {
        if (args.Count != 0) throw new InvalidDataException($"NEWOBJ of '{g.FullName}' with {args.Count} arguments (expected none)");
        return g.Kind switch
        {
            PickleGlobalKind.Namespace => new PickleNamespace(),
            PickleGlobalKind.OrderedDict => new PickleDict(isOrderedDict: true),
            _ => throw new InvalidDataException($"'{g.FullName}' cannot be instantiated (NEWOBJ) by this reader"),
        };
    }

    /// <summary>
    /// BUILD: set an object's state. A Namespace takes its attributes from a dict; an OrderedDict keeps them aside
    /// (state_dict()'s <c>_metadata</c>). Python may pass <c>(dict_state, slot_state)</c>; both parts are accepted.
    /// </summary>
    public static void Build(object? obj, object? state)
    {
        if (state is PickleTuple { Count: 2 } pair)
        {
            Build(obj, pair[0]);
            Build(obj, pair[1]);
            return;
        }
        if (state is null) return;
        if (state is not PickleDict d) throw new InvalidDataException($"BUILD state is {PickleKinds.Describe(state)}, expected a dict");
        switch (obj)
        {
            case PickleNamespace ns:
                foreach (var (k, v) in d.Entries) ns.Set(AttributeName(k), v);
                break;
            case PickleDict od:
                foreach (var (k, v) in d.Entries) od.Attributes[AttributeName(k)] = v;
                break;
            default:
                throw new InvalidDataException($"BUILD on {PickleKinds.Describe(obj)} is not supported (only Namespace and OrderedDict)");
        }
    }

    private static string AttributeName(object? k) =>
        k as string ?? throw new InvalidDataException($"BUILD state has a non-string attribute name ({PickleKinds.Describe(k)})");

    private static PickleDict NewOrderedDict(PickleTuple args)
    {
        var d = new PickleDict(isOrderedDict: true);
        if (args.Count == 0) return d;
        // OrderedDict([(k, v), ...]) as older protocols write it.
        if (args.Count == 1 && args[0] is IReadOnlyList<object?> pairs)
        {
            foreach (var p in pairs)
            {
                if (p is not IReadOnlyList<object?> { Count: 2 } kv) throw new InvalidDataException("OrderedDict(items): an item is not a (key, value) pair");
                if (!PickleKeyComparer.IsHashable(kv[0])) throw new InvalidDataException($"OrderedDict key is unhashable ({PickleKinds.Describe(kv[0])})");
                d.Set(kv[0], kv[1]);
            }
            return d;
        }
        throw new InvalidDataException($"OrderedDict called with {args.Count} arguments (expected none or a list of pairs)");
    }

    private static PickleSet NewSet(PickleTuple args, bool frozen)
    {
        var s = new PickleSet();
        if (args.Count > 1) throw new InvalidDataException($"set/frozenset called with {args.Count} arguments");
        if (args.Count == 1)
        {
            if (args[0] is not IEnumerable<object?> items || args[0] is string or PickleDict)
                throw new InvalidDataException($"set() argument is {PickleKinds.Describe(args[0])}, expected a list");
            foreach (var item in items)
            {
                if (!PickleKeyComparer.IsHashable(item)) throw new InvalidDataException($"set member is unhashable ({PickleKinds.Describe(item)})");
                s.Add(item);
            }
        }
        if (frozen) s.Freeze();
        return s;
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c> and
    /// <c>_rebuild_tensor_v3(..., backward_hooks, dtype[, metadata])</c>. The view is checked against the storage
    /// here, so a file cannot make us read outside a record later.
    /// </summary>
    private static TorchTensorRef RebuildTensor(PickleTuple a, bool v3)
    {
        string fn = v3 ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2";
        int min = v3 ? 7 : 6;
        if (a.Count < min || a.Count > min + 1) throw new InvalidDataException($"{fn} takes {min} or {min + 1} arguments, got {a.Count}");
        if (a[0] is not TorchStorageRef storage) throw new InvalidDataException($"{fn}: argument 0 is {PickleKinds.Describe(a[0])}, expected a storage (persistent id)");
        long offset = Int(a[1], fn, "storage_offset");
        long[] size = Ints(a[2], fn, "size");
        long[] stride = Ints(a[3], fn, "stride");
        if (a[4] is not bool requiresGrad) throw new InvalidDataException($"{fn}: requires_grad is {PickleKinds.Describe(a[4])}, expected a bool");
        if (a[5] is not (null or PickleDict)) throw new InvalidDataException($"{fn}: backward_hooks is {PickleKinds.Describe(a[5])}, expected a dict");
        var dtype = storage.Dtype;
        if (v3)
        {
            if (a[6] is not PickleGlobal { Kind: PickleGlobalKind.Dtype, Dtype: { } d })
                throw new InvalidDataException($"{fn}: dtype is {PickleKinds.Describe(a[6])}, expected a torch dtype");
            dtype = d;
        }
        if (dtype.ScalarType is null)
            throw new InvalidDataException($"tensor dtype {dtype.Name} is not supported (supported: {string.Join(", ", TorchDtype.Supported.Keys)})");
        CheckView(storage, dtype, offset, size, stride, fn);
        return new TorchTensorRef(storage, offset, size, stride, dtype, requiresGrad, IsParameter: false);
    }

    private static void CheckView(TorchStorageRef storage, TorchDtype dtype, long offset, long[] size, long[] stride, string fn)
    {
        if (size.Length != stride.Length) throw new InvalidDataException($"{fn}: size has {size.Length} dims but stride has {stride.Length}");
        if (size.Length > MaxDims) throw new InvalidDataException($"{fn}: {size.Length} dims (at most {MaxDims})");
        if (offset < 0) throw new InvalidDataException($"{fn}: negative storage_offset {offset}");
        if (storage.ByteLength % dtype.ElementSize != 0)
            throw new InvalidDataException($"{fn}: storage '{storage.Key}' of {storage.ByteLength} bytes is not a whole number of {dtype.Name} elements");
        long available = storage.ByteLength / dtype.ElementSize;
        long needed;
        try
        {
            long numel = 1, last = offset;
            for (int i = 0; i < size.Length; i++)
            {
                if (size[i] < 0 || stride[i] < 0)
                    throw new InvalidDataException($"{fn}: negative size or stride (size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}])");
                numel = checked(numel * size[i]);
                if (size[i] > 0) last = checked(last + checked((size[i] - 1) * stride[i]));
            }
            needed = numel == 0 ? offset : checked(last + 1);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{fn}: size [{string.Join(", ", size)}] / stride [{string.Join(", ", stride)}] overflow");
        }
        if (needed > available)
            throw new InvalidDataException(
                $"{fn}: a {dtype.Name} view (offset {offset}, size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}]) " +
                $"needs {needed} elements but storage '{storage.Key}' holds {available}");
    }

    /// <summary><c>_rebuild_parameter(data, requires_grad, backward_hooks)</c>; <c>_with_state</c> adds a state we ignore.</summary>
    private static TorchTensorRef RebuildParameter(PickleTuple a, bool withState)
    {
        string fn = withState ? "_rebuild_parameter_with_state" : "_rebuild_parameter";
        int n = withState ? 4 : 3;
        if (a.Count != n) throw new InvalidDataException($"{fn} takes {n} arguments, got {a.Count}");
        if (a[0] is not TorchTensorRef t) throw new InvalidDataException($"{fn}: data is {PickleKinds.Describe(a[0])}, expected a tensor");
        if (a[1] is not bool requiresGrad) throw new InvalidDataException($"{fn}: requires_grad is {PickleKinds.Describe(a[1])}, expected a bool");
        return t with { RequiresGrad = requiresGrad, IsParameter = true };
    }

    private static long Int(object? v, string fn, string what) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidDataException($"{fn}: {what} is {PickleKinds.Describe(v)}, expected an int"),
    };

    private static long[] Ints(object? v, string fn, string what)
    {
        if (v is not PickleTuple t) throw new InvalidDataException($"{fn}: {what} is {PickleKinds.Describe(v)}, expected a tuple of ints");
        var r = new long[t.Count];
        for (int i = 0; i < r.Length; i++) r[i] = Int(t[i], fn, what);
        return r;
    }
}
