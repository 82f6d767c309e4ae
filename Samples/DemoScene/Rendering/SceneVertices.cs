using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// Quads → triangle-list vertices (position xyz, uv), six a quad so one vkCmdDraw per quad needs no index buffer.
    /// Corner uvs are (0,0) at Origin, (Repeat,0) at Origin+EdgeU, (Repeat,Repeat) opposite, (0,Repeat) at Origin+EdgeV.
    /// </summary>
    internal static class SceneVertices
    {
        public const int FloatsPerVertex = 5;
        public const int VerticesPerQuad = 6;
        public const int Stride = FloatsPerVertex * sizeof(float);

        public static void Fill(IReadOnlyList<SceneQuad> quads, Span<float> destination)
        {
            int i = 0;
            foreach (var q in quads)
            {
                float r = q.Repeat;
                Vector3 a = q.Origin, b = q.Origin + q.EdgeU, c = q.Origin + q.EdgeU + q.EdgeV, d = q.Origin + q.EdgeV;
                Put(destination, ref i, a, 0, 0);
                Put(destination, ref i, b, r, 0);
                Put(destination, ref i, c, r, r);
                Put(destination, ref i, a, 0, 0);
                Put(destination, ref i, c, r, r);
                Put(destination, ref i, d, 0, r);
            }
        }

        private static void Put(Span<float> dest, ref int i, Vector3 p, float u, float v)
        {
            dest[i++] = p.X;
            dest[i++] = p.Y;
            dest[i++] = p.Z;
            dest[i++] = u;
            dest[i++] = v;
        }
    }
}
