using System.Numerics;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// One textured quad of the scene: corners Origin, Origin + EdgeU, Origin + EdgeU + EdgeV, Origin + EdgeV (world
    /// units). Texture coordinates run 0..Repeat along each edge, so Repeat 3 tiles the texture 3x3 (a seamless texture
    /// shows no seams there). Texture indexes the renderer's texture list; Shade multiplies the texel colour (1 = unlit).
    /// </summary>
    public readonly struct SceneQuad
    {
        public Vector3 Origin { get; }
        public Vector3 EdgeU { get; }
        public Vector3 EdgeV { get; }
        public float Repeat { get; }
        public int Texture { get; }
        public float Shade { get; }

        public SceneQuad(Vector3 origin, Vector3 edgeU, Vector3 edgeV, int texture, float repeat = 1f, float shade = 1f)
        {
            Origin = origin;
            EdgeU = edgeU;
            EdgeV = edgeV;
            Texture = texture;
            Repeat = repeat;
            Shade = shade;
        }
    }
}
