using System;
using System.Collections.Generic;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// One class as the resolver sees it: its id, the name shown for it, the other names that find it and, for
    /// ImageNet classes, the WordNet id.
    /// </summary>
    public sealed class ClassEntry
    {
        public int Id { get; }
        /// <summary>The name shown for the class: the model's name, or ImageNet's for an unnamed ImageNet class.</summary>
        public string Name { get; }
        /// <summary>The other names: ImageNet's ("tench, Tinca tinca" → ["Tinca tinca"]) and the manifest's synonyms.</summary>
        public IReadOnlyList<string> Synonyms { get; }
        /// <summary>The WordNet id (n01440764) for ImageNet classes, else null.</summary>
        public string? Wnid { get; }

        public ClassEntry(int id, string name, IReadOnlyList<string>? synonyms = null, string? wnid = null)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A class name is empty.", nameof(name));
            Id = id;
            Name = name;
            Synonyms = synonyms ?? Array.Empty<string>();
            Wnid = wnid;
        }

        public override string ToString() => $"{Id}: {Name}" + (Synonyms.Count > 0 ? " (" + string.Join(", ", Synonyms) + ")" : "");
    }
}
