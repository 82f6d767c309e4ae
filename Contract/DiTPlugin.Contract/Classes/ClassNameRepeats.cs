using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// Class names that several classes of a model share, and which of those repeats a model may keep.
    /// <para>
    /// Names are compared trimmed and ignoring case. <see cref="ClassCatalog"/> trims a query and, below its exact
    /// kinds, ignores case, so of "Stone" and "stone " the second is never found by name, and of "Stone" and "stone"
    /// each only by typing it character for character. Blank names are placeholders ("class i") and never repeat.
    /// </para>
    /// <para>
    /// The one repeat a model may keep is ImageNet's own, in a model with ImageNet's 1000 classes: ImageNet-1k names
    /// two classes "crane" (134 the bird, 517 the machine), two "maillot" (638, 639) and "Cardigan"/"cardigan" (264
    /// the corgi, 474 the sweater). The resolver gives the first and reports the other as an alternative; both stay
    /// reachable by id.
    /// </para>
    /// </summary>
    public static class ClassNameRepeats
    {
        /// <summary>
        /// Each name several classes share, as the first of them writes it (trimmed), with their ids; in the order of
        /// the names' first appearance.
        /// </summary>
        public static IReadOnlyList<(string Name, int[] Ids)> Find(IReadOnlyList<string> names)
        {
            if (names is null) throw new ArgumentNullException(nameof(names));
            return names.Select((n, i) => (Name: n, Id: i)).Where(x => !string.IsNullOrWhiteSpace(x.Name))
                .GroupBy(x => x.Name.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
                .Select(g => (g.Key, g.Select(x => x.Id).ToArray())).ToList();
        }

        /// <summary>The repeats a model may not have: <see cref="Find"/>'s, less ImageNet's own in a model with ImageNet's classes.</summary>
        public static IReadOnlyList<(string Name, int[] Ids)> Refused(IReadOnlyList<string> names)
        {
            var repeats = Find(names);
            if (repeats.Count == 0 || !ModelClassList.IsImageNet(names)) return repeats;
            return repeats.Where(r => !IsImageNets(r)).ToList();
        }

        /// <summary>"'crane' names classes 134, 517; 'maillot' names classes 638, 639".</summary>
        public static string Describe(IEnumerable<(string Name, int[] Ids)> repeats) =>
            string.Join("; ", repeats.Select(r => $"'{r.Name}' names classes {string.Join(", ", r.Ids)}"));

        /// <summary>Whether ImageNet itself gives every class of <paramref name="repeat"/> that name.</summary>
        private static bool IsImageNets((string Name, int[] Ids) repeat) =>
            repeat.Ids.All(id => id < ImageNetClasses.Count && string.Equals(ImageNetClasses.All[id].Name, repeat.Name, StringComparison.OrdinalIgnoreCase));
    }
}
