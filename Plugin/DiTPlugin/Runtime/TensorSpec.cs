using System;
using System.Linq;

namespace DiTPlugin.Runtime
{
    /// <summary>An expected graph input or output: name, element type and static shape.</summary>
    public sealed class TensorSpec
    {
        public string Name { get; }
        public Type ElementType { get; }
        public long[] Shape { get; }

        public TensorSpec(string name, Type elementType, params long[] shape)
        {
            Name = name;
            ElementType = elementType;
            Shape = shape;
        }

        public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

        public static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

        public override string ToString() => $"{Name} {ElementType.Name}{Format(Shape)}";
    }
}
