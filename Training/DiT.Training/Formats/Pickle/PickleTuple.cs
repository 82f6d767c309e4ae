using System;
using System.Collections;
using System.Collections.Generic;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// A Python tuple: immutable, compared and hashed by content (tuples can be dict keys). <see cref="Depth"/> counts
/// tuple-in-tuple nesting, fixed at construction because tuples cannot change; the machine caps it, so hashing and
/// comparing keys can recurse without risking a stack overflow on a hostile file.
/// </summary>
public sealed class PickleTuple : IReadOnlyList<object?>
{
    public static readonly PickleTuple Empty = new(Array.Empty<object?>());

    private readonly object?[] _items;

    public int Depth { get; }

    public PickleTuple(object?[] items)
    {
        _items = items;
        int inner = 0;
        foreach (var item in items)
            if (item is PickleTuple t) inner = Math.Max(inner, t.Depth);
            else if (item is PickleSet { IsFrozen: true } s) inner = Math.Max(inner, s.Depth);
        Depth = inner + 1;
    }

    public object? this[int index] => _items[index];
    public int Count => _items.Length;
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public override bool Equals(object? obj) => obj is PickleTuple other && PickleKeyComparer.Instance.Equals(this, other);
    public override int GetHashCode() => PickleKeyComparer.Instance.GetHashCode(this);
    public override string ToString() => $"tuple({Count})";
}
