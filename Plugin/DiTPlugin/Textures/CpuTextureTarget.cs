using System;

namespace DiTPlugin.Textures
{
    /// <summary>
    /// A texture in CPU memory, laid out for one upload call: Unity's <c>Texture2D.LoadRawTextureData(bytes)</c> (all
    /// mips) or <c>SetPixelData(bytes, 0)</c>, a staging buffer, a file. Safe to write from a worker thread while the
    /// main thread polls <see cref="TryTake"/>: the newest update wins and is copied out under a lock.
    /// </summary>
    public sealed class CpuTextureTarget : ITextureTarget
    {
        private readonly object _gate = new object();
        private byte[]? _data;
        private long _version;
        private bool _final;
        private int _step;
        private Recipe? _recipe;

        public TextureSettings Settings { get; }
        /// <summary>The layout, once the job has allocated the target.</summary>
        public TextureLayout? Layout { get; private set; }
        /// <summary>Counts writes; 0 before the first.</summary>
        public long Version { get { lock (_gate) return _version; } }
        public bool IsFinal { get { lock (_gate) return _final; } }

        /// <summary>Raised after each write, on the writing thread.</summary>
        public event Action<CpuTextureTarget, TextureUpdate>? Updated;

        public CpuTextureTarget(TextureSettings? settings = null) => Settings = settings ?? new TextureSettings();

        public void Allocate(TextureLayout layout)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            if (layout.Settings != Settings && !SameSettings(layout.Settings, Settings))
                throw new ArgumentException($"The layout's settings ({layout.Settings}) are not this target's ({Settings}).", nameof(layout));
            lock (_gate)
            {
                Layout = layout;
                _data = new byte[layout.ByteSize];
                _version = 0;
                _final = false;
            }
        }

        public void Write(TextureUpdate update)
        {
            if (update is null) throw new ArgumentNullException(nameof(update));
            lock (_gate)
            {
                if (Layout is null || _data is null) throw new InvalidOperationException("Write before Allocate: the job allocates the target first.");
                if (update.Layout.ByteSize != _data.Length)
                    throw new ArgumentException($"The update is {update.Layout}; this target holds {Layout}.", nameof(update));
                update.Data.Span.CopyTo(_data);
                _version++;
                _final = update.IsFinal;
                _step = update.Step;
                _recipe = update.Recipe;
            }
            Updated?.Invoke(this, update);
        }

        /// <summary>
        /// A copy of the newest data when it is newer than <paramref name="seenVersion"/> (which is then advanced):
        /// poll it from the thread that uploads.
        /// </summary>
        public bool TryTake(ref long seenVersion, out byte[] data, out bool isFinal)
        {
            lock (_gate)
            {
                if (_data is null || _version == seenVersion) { data = Array.Empty<byte>(); isFinal = false; return false; }
                data = (byte[])_data.Clone();
                isFinal = _final;
                seenVersion = _version;
                return true;
            }
        }

        /// <summary>A copy of the newest data (all zero before the first write).</summary>
        public byte[] Snapshot()
        {
            lock (_gate) return _data is null ? throw new InvalidOperationException("The target has not been allocated.") : (byte[])_data.Clone();
        }

        /// <summary>The step and recipe of the newest write.</summary>
        public (int Step, Recipe? Recipe) Latest { get { lock (_gate) return (_step, _recipe); } }

        private static bool SameSettings(TextureSettings a, TextureSettings b) =>
            a.Format == b.Format && a.ColorSpace == b.ColorSpace && a.RowOrder == b.RowOrder && a.Mipmaps == b.Mipmaps;
    }
}
