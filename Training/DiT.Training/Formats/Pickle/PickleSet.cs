using System.Collections;
using System.Collections.Generic;

namespace DiT.Training.Formats.Pickle;

/// <summary>A Python set or frozenset, in insertion order (Python's order is hash-based; ours only needs to be stable).</summary>
public sealed class PickleSet : IReadOnlyCollection<object?>
{
    private readonly List<object?> _items = new();
    private readonly HashSet<object?> _set = new(PickleKeyComparer.Instance);

    public bool IsFrozen { get; private set; }

    /// <summary>Nesting of frozensets/tuples inside this frozenset (capped by the machine, like <see cref="PickleTuple.Depth"/>).</summary>
    public int Depth { get; private set; } = 1;

    public int Count => _items.Count;

    /// <summary>Adds a member; the caller has checked <see cref="PickleKeyComparer.IsHashable"/>.</summary>
    internal void Add(object? item)
    {
        if (!_set.Add(item)) return;
        _items.Add(item);
        int inner = item switch { PickleTuple t => t.Depth, PickleSet s => s.Depth, _ => 0 };
        if (inner + 1 > Depth) Depth = inner + 1;
    }

    internal void Freeze() => IsFrozen = true;

    public bool Contains(object? item) => _set.Contains(item);

    public bool SetEquals(PickleSet other) => Count == other.Count && _set.SetEquals(other._items);

    public IEnumerator<object?> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public override string ToString() => $"{(IsFrozen ? "frozenset" : "set")}({Count})";
}
