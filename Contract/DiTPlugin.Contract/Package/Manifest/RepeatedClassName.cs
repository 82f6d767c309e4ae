using System.Collections.Generic;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// Whether classes.names[<paramref name="repeat"/>] may repeat the name at <paramref name="first"/>. Class names
    /// are unique, except where the reader still tells the classes apart: the Plugin's resolver knows ImageNet's own
    /// repeat ("crane", 134 and 517), which the Contract, holding no class lists, cannot judge by itself.
    /// </summary>
    public delegate bool RepeatedClassName(IReadOnlyList<string> names, int first, int repeat);
}
