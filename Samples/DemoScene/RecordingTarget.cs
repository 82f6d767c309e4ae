using System;
using System.Collections.Generic;
using DiTPlugin.Textures;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>
    /// Passes updates to a texture target and keeps a copy of each one's level 0, for the denoising progression strip.
    /// Needs an RGBA8 top-down layout, whose level 0 is the image as a PNG wants it.
    /// </summary>
    public sealed class RecordingTarget : ITextureTarget
    {
        private readonly ITextureTarget _inner;
        public List<(int Step, byte[] Rgba8)> Frames { get; } = new List<(int, byte[])>();
        public TextureLayout? Layout { get; private set; }
        public TextureSettings Settings => _inner.Settings;

        public RecordingTarget(ITextureTarget inner)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            if (inner.Settings.Format != TextureFormat.Rgba8 || inner.Settings.RowOrder != RowOrder.TopDown)
                throw new ArgumentException($"Recording needs an RGBA8 top-down target, got {inner.Settings}.", nameof(inner));
        }

        public void Allocate(TextureLayout layout)
        {
            Layout = layout;
            _inner.Allocate(layout);
        }

        public void Write(TextureUpdate update)
        {
            Frames.Add((update.Step, update.Data.Slice(0, (int)update.Layout.MipByteSize(0)).ToArray()));
            _inner.Write(update);
        }
    }
}
