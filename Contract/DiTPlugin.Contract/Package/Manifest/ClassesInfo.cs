using System.Collections.Generic;

namespace DiTPlugin.Contract.Package
{
    /// <summary>classes: the labels the model is conditioned on.</summary>
    public sealed record ClassesInfo
    {
        private readonly IReadOnlyList<string> _names = ValueList<string>.Empty;
        private readonly IReadOnlyDictionary<string, int>? _synonyms;

        public int Count { get; init; }

        /// <summary>The unconditional class (= <see cref="Count"/>), or null for a model trained without label dropout (no guidance).</summary>
        public int? NullClass { get; init; }

        /// <summary>A name per class id; an empty string marks an unnamed class.</summary>
        public IReadOnlyList<string> Names { get => _names; init => _names = ValueCollections.List(value)!; }

        /// <summary>More names that find a class (name → id), matched exactly.</summary>
        public IReadOnlyDictionary<string, int>? Synonyms { get => _synonyms; init => _synonyms = ValueCollections.Map(value); }
    }
}
