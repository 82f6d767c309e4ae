namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// How a class matched a query, best first: the resolver ranks classes by this before anything else. Below the
    /// two exact kinds, case and punctuation are ignored (words are runs of letters and digits).
    /// </summary>
    public enum MatchKind
    {
        /// <summary>The query is the class name, character for character.</summary>
        ExactName,
        /// <summary>The query is one of the class's synonyms, character for character.</summary>
        ExactSynonym,
        /// <summary>The name, ignoring case and punctuation ("t shirt top" = "T-shirt/top").</summary>
        Name,
        /// <summary>A synonym, ignoring case and punctuation.</summary>
        Synonym,
        /// <summary>The query's words appear together, as whole words, in the name ("retriever" in "golden retriever").</summary>
        WordsInName,
        /// <summary>The query's words appear together, as whole words, in a synonym.</summary>
        WordsInSynonym,
        /// <summary>The name starts with the query ("golden re").</summary>
        NamePrefix,
        /// <summary>A synonym starts with the query.</summary>
        SynonymPrefix,
        /// <summary>The name contains the query ("triev").</summary>
        InName,
        /// <summary>A synonym contains the query.</summary>
        InSynonym,
        /// <summary>Every query word starts a word of the name, in any order ("retr gold").</summary>
        WordPrefixesInName,
        /// <summary>Every query word starts a word of a synonym, in any order.</summary>
        WordPrefixesInSynonym,
        /// <summary>
        /// A misspelling: the query is a few edits (insert, delete, substitute, swap neighbours) from a name or synonym,
        /// or from a run of as many of its words, with the same first character ("golden retreiver", "retreiver"):
        /// 1 edit for queries of 4 to 7 characters, 2 from 8. Fewer edits rank higher. This is the last kind
        /// <see cref="ClassCatalog.Find"/> accepts.
        /// </summary>
        Typo,
        /// <summary>
        /// Some of the query's words are words of a name or synonym (more words rank higher). Listed by
        /// <see cref="ClassCatalog.Search"/> and offered as suggestions, but too loose to pick a class from.
        /// </summary>
        SomeWords,
        /// <summary>Not a match: the nearest name by edit distance, only ever offered as a suggestion.</summary>
        Nearest,
    }
}
