#nullable enable
using System.Collections.Generic;
using DiTPlugin.TextureGen;
using UnityEngine;

namespace DiTPlugin.TextureGen.Samples
{
    /// <summary>
    /// Put on an empty GameObject: makes one quad per class in a row, each with a DiTTextureGenerator that generates a
    /// seamless texture at start (previews appear while it denoises) and logs each recipe when done.
    /// Needs the model package in Assets/StreamingAssets (see the package README) and the Plugins/ binaries.
    /// </summary>
    public sealed class DemoTextures : MonoBehaviour
    {
        [Tooltip("Class names (any of the model's; for the default Freedoom model: brick, metal, floor_tiles, tech…).")]
        [SerializeField] private List<string> classes = new List<string> { "floor_tiles", "brick", "metal", "tech" };
        [SerializeField] private long seed = 7;
        [SerializeField] private DiTSettings? settings = null;

        private void Awake()
        {
            for (int i = 0; i < classes.Count; i++)
            {
                var quad = GameObject.CreatePrimitive(PrimitiveType.Quad);
                quad.name = classes[i];
                quad.transform.SetParent(transform, false);
                quad.transform.localPosition = new Vector3(i * 1.2f, 0f, 0f);
                // The component's Start runs after this Awake, with the fields set below.
                var generator = quad.AddComponent<DiTTextureGenerator>();
                generator.Settings = settings;
                generator.ClassName = classes[i];
                generator.Seed = seed + i;
                generator.Seamless = true;
                generator.Completed += (g, texture) => Debug.Log($"{g.name}: done, recipe {g.LastRecipe}");
            }
        }
    }
}
