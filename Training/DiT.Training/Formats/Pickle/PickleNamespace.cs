using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// An <c>argparse.Namespace</c> rebuilt as inert data: its attribute names and values, in the order the pickle set
/// them. The official DiT train.py stores its command line as <c>"args": Namespace(...)</c>; we keep the values to
/// show or inspect, and never create a Python-like object with behaviour.
/// </summary>
public sealed class PickleNamespace
{
    private readonly List<KeyValuePair<string, object?>> _values = new();

    public IReadOnlyList<KeyValuePair<string, object?>> Values => _values;

    public bool TryGetValue(string name, out object? value)
    {
        foreach (var kv in _values)
            if (kv.Key == name)
            {
                value = kv.Value;
                return true;
            }
        value = null;
        return false;
    }

    public object? this[string name] => TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"Namespace has no attribute '{name}'.");

    internal void Set(string name, object? value)
    {
        int i = _values.FindIndex(kv => kv.Key == name);
        if (i >= 0) _values[i] = new(name, value);
        else _values.Add(new(name, value));
    }

    public override string ToString() => $"Namespace({string.Join(", ", _values.Select(kv => kv.Key))})";
}
