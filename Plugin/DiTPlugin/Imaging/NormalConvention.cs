namespace DiTPlugin.Imaging
{
    /// <summary>
    /// Which way the green channel of a tangent-space normal map points. Engines disagree, and a map in the wrong
    /// convention lights every bump as a dent, so the caller has to say which one it feeds.
    /// </summary>
    public enum NormalConvention
    {
        /// <summary>+Y is up the image (towards row 0): OpenGL, Unity, Blender, Godot.</summary>
        OpenGL = 0,
        /// <summary>+Y is down the image (towards the last row): DirectX, Unreal.</summary>
        DirectX = 1,
    }
}
