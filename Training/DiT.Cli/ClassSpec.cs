using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiTPlugin.Contract.Classes;

namespace DiT.Cli;

/// <summary>
/// `--classes "tabby,3"`: class ids and names. Names are resolved by the Contract's <see cref="ClassCatalog"/>, the
/// resolver the Plugin uses for GenerationOptions.ClassNames (synonyms, ImageNet's for an ImageNet model, ranking,
/// misspellings), so a name samples here the class it generates in the game.
/// </summary>
internal static class ClassSpec
{
    /// <summary>How many classes a grid shows without --classes.</summary>
    public const int DefaultCount = 16;

    /// <summary>
    /// The resolver for a checkpoint's classes. A checkpoint may name fewer classes than the model has (its data had
    /// fewer); the rest are unnamed, shown and found as "class i".
    /// </summary>
    public static ClassCatalog Catalog(IReadOnlyList<string> names, int numClasses) =>
        new(Enumerable.Range(0, numClasses).Select(i => i < names.Count ? names[i] : "").ToArray());

    /// <summary>
    /// The class ids <paramref name="spec"/> names, in its order (without one, or a blank one: the first
    /// <see cref="DefaultCount"/> classes). Each comma-separated entry is a class id if it is a number, else a name. A name taken as a misspelling
    /// or among equally ranked classes still counts, as in the Plugin, and its <see cref="ClassResolution.Message"/> is
    /// added to <paramref name="notes"/>. An unknown name, an id out of range or a spec without classes throws
    /// ArgumentException saying what is valid.
    /// </summary>
    public static int[] Parse(string? spec, ClassCatalog catalog, ICollection<string>? notes = null)
    {
        if (string.IsNullOrWhiteSpace(spec)) return Enumerable.Range(0, Math.Min(DefaultCount, catalog.Count)).ToArray();
        var entries = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
            throw new ArgumentException($"--classes '{spec}' names no class: give class ids (0..{catalog.Count - 1}) or names, separated by commas.");
        return entries.Select(entry =>
        {
            if (int.TryParse(entry, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id))
                return id >= 0 && id < catalog.Count ? id
                    : throw new ArgumentException($"--classes: class id {id} is out of range: valid ids are 0..{catalog.Count - 1}.");
            var r = catalog.Resolve(entry);
            if (r.Match is not { } match)
                throw new ArgumentException($"--classes: {r.Message} Classes: {Listing(catalog)}; or give a class id 0..{catalog.Count - 1}.");
            if (r.NeedsAttention) notes?.Add(r.Message);
            return match.Id;
        }).ToArray();
    }

    /// <summary>"0 stone, 1 brick, 2 moss", or the first 20 and how many there are.</summary>
    private static string Listing(ClassCatalog catalog, int max = 20) =>
        string.Join(", ", catalog.Entries.Take(max).Select(e => $"{e.Id} {e.Name}")) + (catalog.Count > max ? $", … ({catalog.Count} classes)" : "");
}
