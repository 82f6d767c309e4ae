using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using DiTPlugin.Samples.DemoScene.Rendering;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>A texture the scene needs: a slot name, the class to generate, and whether it must tile.</summary>
    public sealed class TextureSlot
    {
        public string Name { get; }
        public string ClassName { get; }
        public bool Seamless { get; }

        public TextureSlot(string name, string className, bool seamless)
        {
            Name = name;
            ClassName = className;
            Seamless = seamless;
        }
    }

    /// <summary>
    /// A small room seen through its open front: a floor and three walls, tiled with seamless textures, and four
    /// framed panels on the back wall showing single textures. The camera stays outside the room, so every vertex is
    /// in front of it.
    /// </summary>
    public static class SceneLayout
    {
        /// <summary>Slots in texture-index order; class names come from <paramref name="classes"/> (cycled) or the defaults for the shipped Freedoom or OpenArena model.</summary>
        public static IReadOnlyList<TextureSlot> Slots(IReadOnlyList<string> modelClasses, IReadOnlyList<string>? classes = null)
        {
            var names = new[] { "floor", "back wall", "left wall", "right wall", "panel 1", "panel 2", "panel 3", "panel 4" };
            var freedoom = new[] { "floor_tiles", "brick", "stone_blocks", "metal", "tech", "liquid", "wood", "rock" };
            var openArena = new[] { "base_floor", "gothic_block", "base_wall", "gothic_trim", "liquids", "skies", "base_light", "gothic_floor" };
            IReadOnlyList<string> pick = classes is { Count: > 0 } ? classes
                : new[] { freedoom, openArena }.FirstOrDefault(preset => preset.All(modelClasses.Contains)) ?? modelClasses;
            return names.Select((n, i) => new TextureSlot(n, pick[i % pick.Count], seamless: i < 4)).ToArray();
        }

        /// <summary>The quads; texture indices follow <see cref="Slots"/>.</summary>
        public static IReadOnlyList<SceneQuad> Quads() => new[]
        {
            new SceneQuad(new Vector3(-4, 0, 4), new Vector3(8, 0, 0), new Vector3(0, 0, -8), 0, repeat: 4f, shade: 1f),      // floor
            new SceneQuad(new Vector3(-4, 0, -4), new Vector3(8, 0, 0), new Vector3(0, 4, 0), 1, repeat: 3f, shade: 0.9f),     // back wall
            new SceneQuad(new Vector3(-4, 0, 4), new Vector3(0, 0, -8), new Vector3(0, 4, 0), 2, repeat: 3f, shade: 0.7f),     // left wall
            new SceneQuad(new Vector3(4, 0, -4), new Vector3(0, 0, 8), new Vector3(0, 4, 0), 3, repeat: 3f, shade: 0.75f),     // right wall
            new SceneQuad(new Vector3(-3.4f, 1.6f, -3.95f), new Vector3(1.4f, 0, 0), new Vector3(0, 1.4f, 0), 4),             // panels
            new SceneQuad(new Vector3(-1.6f, 1.6f, -3.95f), new Vector3(1.4f, 0, 0), new Vector3(0, 1.4f, 0), 5),
            new SceneQuad(new Vector3(0.2f, 1.6f, -3.95f), new Vector3(1.4f, 0, 0), new Vector3(0, 1.4f, 0), 6),
            new SceneQuad(new Vector3(2.0f, 1.6f, -3.95f), new Vector3(1.4f, 0, 0), new Vector3(0, 1.4f, 0), 7),
        };

        /// <summary>World → Vulkan clip space (y down, depth 0..1) for a camera outside the open front.</summary>
        public static Matrix4x4 ViewProjection(int width, int height)
        {
            var view = Matrix4x4.CreateLookAt(new Vector3(0, 3.0f, 8.6f), new Vector3(0, 1.4f, 0), Vector3.UnitY);
            var projection = Matrix4x4.CreatePerspectiveFieldOfView(MathF.PI / 3.2f, width / (float)height, 0.5f, 40f);
            return view * projection * Matrix4x4.CreateScale(1, -1, 1);
        }

        /// <summary>Where a world point lands in the frame (pixels from the top left), for tests and labels.</summary>
        public static Vector2 Project(Vector3 world, int width, int height)
        {
            var c = Vector4.Transform(new Vector4(world, 1), ViewProjection(width, height));
            return new Vector2((c.X / c.W + 1) * 0.5f * width, (c.Y / c.W + 1) * 0.5f * height);
        }

        /// <summary>The background, linear RGB: a teal (sRGB about 0, 130, 124) that none of the OpenArena materials resembles.</summary>
        public static readonly Vector4 ClearLinear = new Vector4(0f, 0.22f, 0.2f, 1f);
    }
}
