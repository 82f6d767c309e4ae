using System;
using System.Collections;
using System.Collections.Generic;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// The lists and maps of the manifest records, copied when set (a caller's list changed later cannot change a
    /// manifest) and compared by content, so that two manifests with the same content are equal records.
    /// </summary>
    internal static class ValueCollections
    {
        public static IReadOnlyList<T>? List<T>(IEnumerable<T>? items) =>
            items is null ? null : items as ValueList<T> ?? new ValueList<T>(new List<T>(items).ToArray());

        public static IReadOnlyDictionary<string, int>? Map(IEnumerable<KeyValuePair<string, int>>? pairs) =>
            pairs is null ? null : pairs as ValueMap ?? new ValueMap(pairs);
    }

    /// <summary>A read-only list equal to another of equal items in the same order.</summary>
    internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
    {
        private readonly T[] _items;

        public ValueList(T[] items) => _items = items;

        /// <summary>The default of a list field, so that a list left unset equals an empty one read from JSON.</summary>
        public static readonly ValueList<T> Empty = new ValueList<T>(Array.Empty<T>());

        public int Count => _items.Length;
        public T this[int index] => _items[index];
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

        public bool Equals(ValueList<T>? other)
        {
            if (other is null || other.Count != Count) return false;
            var eq = EqualityComparer<T>.Default;
            for (int i = 0; i < _items.Length; i++)
                if (!eq.Equals(_items[i], other._items[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var item in _items) h.Add(item);
            return h.ToHashCode();
        }
    }

    /// <summary>
    /// A read-only string → int map (classes.synonyms) that enumerates in the order it was given, so model.json is
    /// written in the writer's order, and is equal to another with the same pairs in any order.
    /// </summary>
    internal sealed class ValueMap : IReadOnlyDictionary<string, int>, IEquatable<ValueMap>
    {
        private readonly List<KeyValuePair<string, int>> _ordered = new List<KeyValuePair<string, int>>();
        private readonly Dictionary<string, int> _lookup = new Dictionary<string, int>(StringComparer.Ordinal);

        public ValueMap(IEnumerable<KeyValuePair<string, int>> pairs)
        {
            foreach (var kv in pairs)
            {
                _lookup.Add(kv.Key, kv.Value);
                _ordered.Add(kv);
            }
        }

        public int Count => _ordered.Count;
        public int this[string key] => _lookup[key];
        public IEnumerable<string> Keys { get { foreach (var kv in _ordered) yield return kv.Key; } }
        public IEnumerable<int> Values { get { foreach (var kv in _ordered) yield return kv.Value; } }
        public bool ContainsKey(string key) => _lookup.ContainsKey(key);
        public bool TryGetValue(string key, out int value) => _lookup.TryGetValue(key, out value);
        public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => _ordered.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public bool Equals(ValueMap? other)
        {
            if (other is null || other.Count != Count) return false;
            foreach (var kv in _ordered)
                if (!other._lookup.TryGetValue(kv.Key, out int v) || v != kv.Value) return false;
            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as ValueMap);

        // Order-independent, as equality is.
        public override int GetHashCode()
        {
            int h = Count;
            foreach (var kv in _ordered) h ^= StringComparer.Ordinal.GetHashCode(kv.Key) * 31 + kv.Value;
            return h;
        }
    }
}
