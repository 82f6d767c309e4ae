namespace DiTPlugin.Contract.Classes
{
    /// <summary>One class found for a query: which class, through which of its names, and how well.</summary>
    public readonly struct ClassMatch
    {
        public int Id { get; }
        /// <summary>The class's name (<see cref="ClassEntry.Name"/>).</summary>
        public string Name { get; }
        /// <summary>The name or synonym that matched.</summary>
        public string MatchedTerm { get; }
        public MatchKind Kind { get; }
        /// <summary>
        /// Orders matches of the same kind, lower first: the edit distance for <see cref="MatchKind.Typo"/> and
        /// <see cref="MatchKind.Nearest"/>, minus the number of shared words for <see cref="MatchKind.SomeWords"/>, else 0.
        /// Two matches of the same kind and score are equally ranked (ties then go to names, shorter terms, lower ids).
        /// </summary>
        public int Score { get; }

        internal ClassMatch(int id, string name, string term, MatchKind kind, int score)
        {
            Id = id;
            Name = name;
            MatchedTerm = term;
            Kind = kind;
            Score = score;
        }

        /// <summary>Whether <paramref name="other"/> has the same rank (kind and score): a tie broken only by the tie rules.</summary>
        public bool RanksEqually(ClassMatch other) => Kind == other.Kind && Score == other.Score;

        public override string ToString() => MatchedTerm == Name ? $"{Id}: {Name} ({Kind})" : $"{Id}: {Name} via '{MatchedTerm}' ({Kind})";
    }
}
