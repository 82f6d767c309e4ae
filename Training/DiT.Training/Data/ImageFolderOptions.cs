using System;
using System.Collections.Generic;

namespace DiT.Training.Data;

public enum ImageColor { Rgb, Grayscale }

/// <summary>How thoroughly <see cref="ImageFolderDataset"/> checks files at construction.</summary>
public enum ImageValidation
{
    /// <summary>Parse the image header only (format, size). Fast, but misses truncated pixel data.</summary>
    Header,
    /// <summary>Header plus a check that the file ends with its format's end marker (PNG IEND chunk, JPEG EOI). Still cheap: reads the last bytes.</summary>
    HeaderAndTrailer,
    /// <summary>Fully decode every image once. Catches everything, but costs a decode per file (too slow for ImageNet on few cores).</summary>
    FullDecode,
}

public sealed class ImageFolderOptions
{
    /// <summary>Output side length after the ADM centre crop.</summary>
    public int Size { get; init; } = 256;
    public ImageColor Color { get; init; } = ImageColor.Rgb;
    public ImageValidation Validation { get; init; } = ImageValidation.HeaderAndTrailer;
    /// <summary>Decode and crop everything at construction and keep it (as bytes) in memory; for small datasets.</summary>
    public bool Preload { get; init; }
    /// <summary>Explicit synset list; otherwise LOC_synset_mapping.txt / synset_words.txt is looked for in the root and its parent.</summary>
    public string? SynsetMappingPath { get; init; }
    /// <summary>Set false to use folder names as classes even when a synset list is present.</summary>
    public bool UseSynsetMapping { get; init; } = true;
    /// <summary>Receives warnings (skipped files, decode failures at Get time).</summary>
    public Action<string>? Log { get; init; }
    public IReadOnlyCollection<string> Extensions { get; init; } = new[] { ".jpg", ".jpeg", ".png" };
    /// <summary>Round to 8 bits after each resize, as ADM's PIL pipeline does.</summary>
    public bool QuantizeLikePil { get; init; } = true;
}
