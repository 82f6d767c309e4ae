using System.Linq;
using System.Text.Json.Nodes;
using DiTPlugin.Contract.Classes;

namespace DiTPlugin.Tests;

/// <summary>
/// Test-only: the tiny hand-encoded package (<see cref="TinyOnnxModel"/>) with ImageNet's 1000 class names and one
/// manifest synonym ("goldie" → 207), so that class names resolve as for an imported DiT-XL/2 without its size.
/// Shared by the Plugin and Unity tests, which check that every entry point resolves a name to the same class.
/// </summary>
public static class ImageNetTinyPackage
{
    public static void Write(string folder)
    {
        var manifest = TinyOnnxModel.WritePackage(folder, new TinyOnnxModel.Spec { Classes = ImageNetClasses.Count });
        manifest["name"] = "tiny-imagenet";
        manifest["classes"]!["names"] = new JsonArray(ImageNetClasses.All.Select(c => (JsonNode)JsonValue.Create(c.Name)!).ToArray());
        manifest["classes"]!["synonyms"] = new JsonObject { ["goldie"] = 207 };
        TinyOnnxModel.WriteManifest(folder, manifest);
    }
}
