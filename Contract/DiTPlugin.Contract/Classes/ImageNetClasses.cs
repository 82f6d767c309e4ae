using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// The 1000 ImageNet-1k classes in the standard index order, with WordNet ids, names and synonyms. It is part of
    /// the Contract so that every caller (the Plugin's DiT.FindClass, the Unity package, Training's CLI) resolves an
    /// ImageNet model's class names with the same synonyms; Plugin/README.md says where the list comes from. Also
    /// parses synset files of the same format.
    /// </summary>
    public static class ImageNetClasses
    {
        private static readonly Lazy<IReadOnlyList<ClassEntry>> _all =
            new Lazy<IReadOnlyList<ClassEntry>>(() => Parse(ImageNetData.Synsets, "the built-in ImageNet list"));

        public const int Count = 1000;

        /// <summary>The built-in list, ids 0..999.</summary>
        public static IReadOnlyList<ClassEntry> All => _all.Value;

        /// <summary>Reads a synset file (LOC_synset_mapping.txt, synset_words.txt): see <see cref="Parse"/>.</summary>
        public static IReadOnlyList<ClassEntry> Load(string path) => Parse(File.ReadAllText(path), path);

        /// <summary>
        /// One class a line, in index order: "n01440764 tench, Tinca tinca" (a WordNet id, then comma-separated names,
        /// the first being the class name) or, without the id, just the names. Blank lines are skipped.
        /// </summary>
        public static IReadOnlyList<ClassEntry> Parse(string text, string source = "class list")
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var entries = new List<ClassEntry>();
            var lines = text.Replace("\r\n", "\n").Split('\n');
            for (int n = 0; n < lines.Length; n++)
            {
                string line = lines[n].Trim();
                if (line.Length == 0) continue;
                string? wnid = null;
                int sp = line.IndexOfAny(new[] { ' ', '\t' });
                string first = sp < 0 ? line : line.Substring(0, sp);
                if (IsWnid(first))
                {
                    wnid = first;
                    line = sp < 0 ? "" : line.Substring(sp + 1).Trim();
                }
                var names = line.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
                if (names.Count == 0)
                    throw new FormatException($"{source}, line {n + 1}: no class name after '{first}'.");
                entries.Add(new ClassEntry(entries.Count, names[0], names.Skip(1).ToArray(), wnid));
            }
            return entries;
        }

        /// <summary>"n" and eight digits.</summary>
        public static bool IsWnid(string s) => s.Length == 9 && s[0] == 'n' && s.Skip(1).All(c => c >= '0' && c <= '9');
    }
}
