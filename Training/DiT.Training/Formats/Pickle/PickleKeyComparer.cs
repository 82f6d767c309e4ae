using System;
using System.Numerics;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// Equality of hashable pickle values, as Python compares dict keys and set members: by value for numbers, strings,
/// bytes and (recursively) tuples and frozensets. Python's bool is an int, so True == 1 and False == 0 as keys, and an
/// integral float equals the int (1.0 == 1); mutable containers (list, dict, set) are not hashable, see
/// <see cref="IsHashable"/>.
/// </summary>
public sealed class PickleKeyComparer : System.Collections.Generic.IEqualityComparer<object?>
{
    public static readonly PickleKeyComparer Instance = new();

    /// <summary>Whether Python could use the value as a dict key or set member.</summary>
    public static bool IsHashable(object? v) => v switch
    {
        null or bool or long or BigInteger or double or string or byte[] => true,
        PickleTuple t => AllHashable(t),
        PickleSet { IsFrozen: true } => true, // members were checked when added
        PickleGlobal or TorchDtype => true,
        _ => false,
    };

    private static bool AllHashable(PickleTuple t)
    {
        foreach (var item in t) if (!IsHashable(item)) return false;
        return true;
    }

    public new bool Equals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        if (Numeric(a, out var na) && Numeric(b, out var nb)) return na.Equals(nb);
        return (a, b) switch
        {
            (string x, string y) => x == y,
            (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
            (PickleTuple x, PickleTuple y) => TupleEquals(x, y),
            (PickleSet x, PickleSet y) => x.SetEquals(y),
            _ => a.Equals(b),
        };
    }

    private bool TupleEquals(PickleTuple x, PickleTuple y)
    {
        if (x.Count != y.Count) return false;
        for (int i = 0; i < x.Count; i++) if (!Equals(x[i], y[i])) return false;
        return true;
    }

    public int GetHashCode(object? v)
    {
        if (v is null) return 0;
        if (Numeric(v, out var n)) return n.GetHashCode();
        switch (v)
        {
            case string s: return s.GetHashCode(StringComparison.Ordinal);
            case byte[] b:
                var hb = new HashCode();
                hb.AddBytes(b);
                return hb.ToHashCode();
            case PickleTuple t:
                var ht = new HashCode();
                foreach (var item in t) ht.Add(GetHashCode(item));
                return ht.ToHashCode();
            case PickleSet s:
                int h = 0;
                foreach (var item in s) h ^= GetHashCode(item); // order-independent, as sets are
                return h;
            default: return v.GetHashCode();
        }
    }

    /// <summary>A canonical numeric key: integers (and integral floats) as BigInteger, other floats as double.</summary>
    private static bool Numeric(object v, out object key)
    {
        switch (v)
        {
            case bool b: key = new BigInteger(b ? 1 : 0); return true;
            case long l: key = new BigInteger(l); return true;
            case BigInteger bi: key = bi; return true;
            case double d when Math.Floor(d) == d && !double.IsInfinity(d): key = new BigInteger(d); return true;
            case double d: key = d; return true;
            default: key = v; return false;
        }
    }
}
