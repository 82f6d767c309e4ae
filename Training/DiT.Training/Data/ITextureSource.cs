using System;
using System.Collections.Generic;

namespace DiT.Training.Data;

/// <summary>
/// Where `dit dataset` takes textures from: materials (the classes) with their textures' names, and each texture as
/// 8-bit RGB. A Quake-3 texture pack (<see cref="TexturePack"/>) or Doom WADs (<see cref="FreedoomTextures"/>).
/// </summary>
public interface ITextureSource : IDisposable
{
    /// <summary>What the textures come from, for messages and the dataset card.</summary>
    string Path { get; }
    /// <summary>Material → its textures' names (sorted, so a seed gives the same split everywhere).</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> Materials { get; }
    /// <summary>One texture as 8-bit RGB; <see cref="System.IO.InvalidDataException"/> when it cannot be decoded.</summary>
    PixelImage Load(string name);
}
