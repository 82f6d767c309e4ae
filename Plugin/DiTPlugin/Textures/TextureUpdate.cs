using System;

namespace DiTPlugin.Textures
{
    /// <summary>The data of one texture update: every mip level in <see cref="Layout"/> order.</summary>
    public sealed class TextureUpdate
    {
        public TextureLayout Layout { get; }
        /// <summary>All levels, <see cref="TextureLayout.ByteSize"/> bytes. Valid only during <see cref="ITextureTarget.Write"/>.</summary>
        public ReadOnlyMemory<byte> Data { get; }
        /// <summary>False for a preview (the predicted x₀ at <see cref="Step"/>), true for the finished image.</summary>
        public bool IsFinal { get; }
        /// <summary>Denoising steps done on this image (of <see cref="Steps"/>).</summary>
        public int Step { get; }
        public int Steps { get; }
        /// <summary>The recipe of the final image.</summary>
        public Recipe Recipe { get; }

        public TextureUpdate(TextureLayout layout, ReadOnlyMemory<byte> data, bool isFinal, int step, int steps, Recipe recipe)
        {
            Layout = layout ?? throw new ArgumentNullException(nameof(layout));
            if (data.Length != layout.ByteSize) throw new ArgumentException($"The data holds {data.Length} bytes; the layout has {layout.ByteSize}.", nameof(data));
            Data = data;
            IsFinal = isFinal;
            Step = step;
            Steps = steps;
            Recipe = recipe ?? throw new ArgumentNullException(nameof(recipe));
        }
    }
}
