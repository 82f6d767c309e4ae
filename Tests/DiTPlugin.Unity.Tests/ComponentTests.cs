using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using DiTPlugin.Textures;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;
using UnityEngine;

namespace DiTPlugin.Unity.Tests;

/// <summary>
/// DiTTextureGenerator driven outside Unity: the Runtime scripts compiled against the Unity API stub, whose objects
/// only store what is set on them. Start and Update are called as Unity would (by reflection, they are private).
/// </summary>
[NonParallelizable]
public class ComponentTests
{
    private TempDir _project = null!;

    [OneTimeSetUp]
    public void Setup()
    {
        _project = new TempDir();
        var streaming = Path.Combine(_project.Path, "Assets", "StreamingAssets");
        TinyOnnxModel.WritePackage(Path.Combine(streaming, "DiT", "tiny"));
        SetStatic(typeof(Application), "s_dataPath", Path.Combine(_project.Path, "Assets"));
        SetStatic(typeof(Application), "s_streamingAssetsPath", streaming);
    }

    [OneTimeTearDown]
    public void TearDown() => _project.Dispose();

    private static void SetStatic(Type t, string field, object value) =>
        t.GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, value);

    private static void Call(object o, string method) =>
        o.GetType().GetMethod(method, BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(o, null);

    private static (DiTTextureGenerator Generator, Material Material) Make(bool worker, string className = "trouser")
    {
        var settings = ScriptableObject.CreateInstance<DiTSettings>();
        settings.ModelPackage = "DiT/tiny";
        settings.ExecutionProvider = ExecutionProvider.Cpu;
        var material = new Material((Material)null!);
        var g = new DiTTextureGenerator
        {
            Settings = settings, ClassName = className, Seed = 11, Steps = 12, Sampler = SamplerKind.Ddim, CfgScale = 2f,
            Seamless = true, RunOnWorkerThread = worker, FrameBudgetMs = 0.5f, TargetRenderer = new Renderer { material = material },
            TextureProperty = "_BaseMap",
        };
        return (g, material);
    }

    /// <summary>Frames until the model has loaded (on its worker thread) and the generation has started.</summary>
    private static void RunUntilStarted(DiTTextureGenerator g)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (g.IsGenerating && g.Texture == null)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the model did not load");
            Call(g, "Update");
            Thread.Sleep(1);
        }
    }

    private static void RunFrames(DiTTextureGenerator g, int maxFrames = 100000)
    {
        for (int frame = 0; g.IsGenerating; frame++)
        {
            Assert.That(frame, Is.LessThan(maxFrames));
            Call(g, "Update");
            Thread.Sleep(0);
        }
    }

    [Test]
    public void UsePackageSamplingRunsThePackagesDefaults()
    {
        var (g, _) = Make(false);
        g.UsePackageSampling = true;
        Call(g, "Start");
        RunUntilStarted(g);
        RunFrames(g);
        var recipe = g.LastRecipe!;
        Assert.That((recipe.Steps, recipe.Sampler, recipe.CfgScale), Is.EqualTo((g.Model!.DefaultSteps, g.Model.DefaultSampler, g.Model.DefaultCfgScale)));
        Assert.That((recipe.Steps, recipe.Sampler, recipe.CfgScale), Is.Not.EqualTo((12, SamplerKind.Ddim, 2f)), "not the component's own fields");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void GeneratesOnStartStreamsIntoATextureAndAssignsTheMaterialSlot(bool worker)
    {
        var (g, material) = Make(worker);
        int completed = 0;
        g.Completed += (_, _) => completed++;
        Call(g, "Start");
        Assert.That(g.IsGenerating, Is.True, "waiting for the model, which loads on a worker thread");
        RunUntilStarted(g);
        Assert.That(g.IsLoading, Is.False);
        Assert.That(g.Model, Is.Not.Null);
        var tex = g.Texture!;
        Assert.That((tex.width, tex.height, tex.format, tex.isDataSRGB, tex.mipmapCount), Is.EqualTo((8, 8, UnityEngine.TextureFormat.RGBA32, true, 4)));
        Assert.That(tex.wrapMode, Is.EqualTo(TextureWrapMode.Repeat), "tiling");
        Assert.That(material.GetTexture("_BaseMap"), Is.SameAs(tex));
        RunFrames(g);

        Assert.That(completed, Is.EqualTo(1));
        Assert.That(g.Progress, Is.EqualTo(1f));
        var recipe = g.LastRecipe!;
        Assert.That((recipe.ClassId, recipe.ClassName, recipe.Seed, recipe.Steps, recipe.Seamless), Is.EqualTo((1, "Trouser", 11UL, 12, true)));
        Assert.That(g.UsePackageSampling, Is.False, "steps set from a script are the ones that run");

        // The texture holds the final image in Unity's raw layout: the Plugin's own encoding of the same recipe.
        using var dit = DiT.Load(Path.Combine(_project.Path, "Assets", "StreamingAssets", "DiT", "tiny"));
        var target = new CpuTextureTarget(TextureSettings.Unity());
        var job = dit.CreateJob(GenerationOptions.FromRecipe(recipe), new[] { target });
        while (!job.IsCompleted) job.Step(TimeSpan.Zero);
        Assert.That(tex.GetRawTextureData(), Is.EqualTo(target.Snapshot()));
        Call(g, "OnDestroy");
    }

    [Test]
    public void RegeneratesARecipeAndCancelsOnDisable()
    {
        var (g, _) = Make(worker: true);
        Call(g, "Start");
        RunFrames(g);
        var first = g.Texture!.GetRawTextureData();
        var recipe = g.LastRecipe!;

        var (h, _) = Make(worker: true, className: "T-shirt/top");
        h.Generate(recipe);
        Assert.That(h.ClassName, Is.EqualTo("Trouser"), "the fields take the recipe's values");
        RunFrames(h);
        Assert.That(h.Texture!.GetRawTextureData(), Is.EqualTo(first));

        h.Steps = 100;
        h.Generate();
        Assert.That(h.IsGenerating, Is.True);
        Call(h, "OnDisable");
        Assert.That(h.IsGenerating, Is.False);
        Call(g, "OnDestroy");
        Call(h, "OnDestroy");
    }

    [Test]
    public void AnUnknownClassOrAnotherModelsRecipeIsReported()
    {
        var (g, _) = Make(worker: true, className: "zzqqxx");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try
        {
            g.Generate();
            RunFrames(g);
        }
        finally { Console.SetOut(previous); }
        Assert.That(g.IsGenerating, Is.False);
        Assert.That(g.LastError, Is.InstanceOf<ArgumentException>());
        Assert.That(output.ToString(), Does.Contain("No class of 'tiny-test' matches 'zzqqxx'").And.Contain("T-shirt/top, Trouser, Ankle boot"));
        g.Generate(new Recipe { ModelHash = "other", ClassId = 0, Steps = 3 });
        RunFrames(g);
        Assert.That(g.LastError, Is.InstanceOf<RecipeFileException>(), "another model's recipe is refused once the model is known");
        Call(g, "OnDestroy");
    }

    [Test]
    public void InEditModeItStreamsWithoutTouchingTheMaterialAndKeepsTheImage()
    {
        SetStatic(typeof(Application), "s_isPlaying", false);
        try
        {
            var (g, material) = Make(worker: true);
            g.Generate();
            RunUntilStarted(g);
            Assert.That(material.GetTexture("_BaseMap"), Is.Null, "edit mode: the material asset is only changed by the inspector, with Undo, after saving");
            for (var deadline = DateTime.UtcNow.AddSeconds(60); g.IsGenerating; Thread.Sleep(1))
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline));
                g.Pump();                                   // what the editor's update loop calls
            }
            Assert.That(g.LastError, Is.Null);
            Assert.That(g.LastImage!.Recipe.ClassName, Is.EqualTo("Trouser"));
            Assert.That(g.LastImage.Width, Is.EqualTo(8));
            Call(g, "OnDestroy");
        }
        finally { SetStatic(typeof(Application), "s_isPlaying", true); }
    }

    [Test]
    public void ScenesSavedWithTheOldTilingFieldKeepTheirValue()
    {
        // Unity matches serialized fields by name: renaming "tiling" to "seamless" without the attribute would silently
        // reset every saved generator to the default.
        var field = typeof(DiTTextureGenerator).GetField("seamless", BindingFlags.NonPublic | BindingFlags.Instance)!;
        Assert.That(field.GetCustomAttribute<SerializeField>(), Is.Not.Null);
        var former = field.GetCustomAttributes<UnityEngine.Serialization.FormerlySerializedAsAttribute>().Select(a => a.oldName);
        Assert.That(former, Is.EquivalentTo(new[] { "tiling" }));
        var g = new DiTTextureGenerator();
        g.Seamless = false;
#pragma warning disable CS0618 // the obsolete alias must still reach the same field
        Assert.That(g.Tiling, Is.False);
#pragma warning restore CS0618
    }
}
