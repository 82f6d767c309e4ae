namespace DiTPlugin.Textures
{
    /// <summary>
    /// Where a generation streams one image: engine textures, CPU buffers. The job calls <see cref="Allocate"/> once
    /// (the size comes from the model, the rest from <see cref="Settings"/>), then <see cref="Write"/> with each preview
    /// and finally with the finished image. Calls come on the thread that steps the job; a target that must upload on
    /// another thread (a render thread, Unity's main thread) copies the data and hands it over.
    /// </summary>
    public interface ITextureTarget
    {
        TextureSettings Settings { get; }

        void Allocate(TextureLayout layout);

        /// <summary>One update. Its data is valid only during the call: copy or upload it before returning.</summary>
        void Write(TextureUpdate update);
    }
}
