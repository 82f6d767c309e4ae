using System.Collections.Generic;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// A Python dict or collections.OrderedDict. Both keep insertion order (state dicts rely on it), and setting an
/// existing key replaces its value in place, as in Python. Keys are any hashable pickle value (optimizer state uses
/// ints). <see cref="Attributes"/> holds what BUILD set on the object: torch's state_dict() carries a
/// <c>_metadata</c> attribute (per-module versions), which is kept for inspection and otherwise ignored.
/// </summary>
public sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _entries = new();
    private readonly Dictionary<Key, int> _index = new();

    public bool IsOrderedDict { get; }
    public Dictionary<string, object?> Attributes { get; } = new();

    public PickleDict(bool isOrderedDict = false) => IsOrderedDict = isOrderedDict;

    public int Count => _entries.Count;
    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    /// <summary>Adds or replaces; the caller has checked <see cref="PickleKeyComparer.IsHashable"/>.</summary>
    public void Set(object? key, object? value)
    {
        var k = new Key(key);
        if (_index.TryGetValue(k, out int i)) _entries[i] = new(_entries[i].Key, value);
        else
        {
            _index[k] = _entries.Count;
            _entries.Add(new(key, value));
        }
    }

    public bool TryGetValue(object? key, out object? value)
    {
        if (_index.TryGetValue(new Key(key), out int i))
        {
            value = _entries[i].Value;
            return true;
        }
        value = null;
        return false;
    }

    public bool ContainsKey(object? key) => _index.ContainsKey(new Key(key));

    public override string ToString() => $"{(IsOrderedDict ? "OrderedDict" : "dict")}({Count})";

    /// <summary>Boxes keys so that None can be a key (Dictionary forbids null) and Python equality applies.</summary>
    private readonly struct Key(object? value) : System.IEquatable<Key>
    {
        private readonly object? _value = value;
        public bool Equals(Key other) => PickleKeyComparer.Instance.Equals(_value, other._value);
        public override bool Equals(object? obj) => obj is Key k && Equals(k);
        public override int GetHashCode() => PickleKeyComparer.Instance.GetHashCode(_value);
    }
}
