using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiTPlugin;
using DiTPlugin.Contract.Package;
using DiTPlugin.Samples;

// texturegen [class names…] [--model PACKAGE] [--out DIR] [--seed N] [--sampler dpmN|ddimN|ddpmN] [--steps N] [--cfg S] [--count N] [--precision fp32|fp16|int8]
//            [--init PNG [--strength S] [--mask PNG]] [--negative CLASS] [--mix CLASS[:WEIGHT]] [--no-upscale]
// With no class names it makes one texture of every class of the model. --init starts from a texture (variations:
// strength 0 keeps it, 1 ignores it); --mask (white = regenerate, black = keep) inpaints it. --negative guides away
// from a class instead of from the unconditional prediction; --mix blends another class's embedding in (weight 0.5
// unless given). Packages with an upscaler make textures 4x larger (--no-upscale: the model's own size). The default model is the one shipped in
// models/freedoom-textures (found by walking up from the working directory, so `dotnet run` works from anywhere in the repo).
var classes = new List<string>();
string? model = null, outDir = "textures";
ulong seed = 0;
int? steps = null;   // null (with cfg and sampler): the package's defaults, chosen by its trainer by measurement
int count = 1;
SamplerKind? sampler = null;
Precision? precision = null;   // null: the Plugin's choice (int8 on the CPU when the package has it)
float? cfg = null;
float strength = 0.5f;
string? initPath = null, maskPath = null, negative = null, mixClass = null;
float mixWeight = 0.5f;
bool strengthGiven = false, noUpscale = false;
const string Usage = "texturegen [class names…] [--model PACKAGE] [--out DIR] [--seed N] [--sampler dpmN|ddimN|ddpmN] [--steps N] [--cfg S] [--count N] [--precision fp32|fp16|int8] [--init PNG [--strength S] [--mask PNG]] [--negative CLASS] [--mix CLASS[:WEIGHT]] [--no-upscale]";
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--model": model = Next(); break;
            case "--out": outDir = Next(); break;
            case "--seed": seed = ulong.Parse(Next()); break;
            case "--steps": steps = int.Parse(Next()); break;
            case "--sampler": (sampler, var specSteps) = SamplerSpecs.Parse(Next()); steps ??= specSteps; break;
            case "--cfg": cfg = float.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
            case "--count": count = int.Parse(Next()); break;
            case "--precision": precision = Precisions.Parse(Next()); break;
            case "--init": initPath = Next(); break;
            case "--strength": strength = float.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); strengthGiven = true; break;
            case "--mask": maskPath = Next(); break;
            case "--negative": negative = Next(); break;
            case "--no-upscale": noUpscale = true; break;
            case "--mix":
                var mixArg = Next();
                int colon = mixArg.LastIndexOf(':');
                mixClass = colon < 0 ? mixArg : mixArg.Substring(0, colon);
                if (colon >= 0 && !float.TryParse(mixArg.Substring(colon + 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out mixWeight))
                    throw new ArgumentException($"--mix {mixArg}: the weight after ':' must be a number in [0, 1].");
                break;
            case "-h" or "--help":
                Console.WriteLine(Usage);
                return 0;
            default:
                if (args[i].StartsWith("--")) throw new ArgumentException($"Unknown option {args[i]}.");
                classes.Add(args[i]);
                break;
        }
    }
    model ??= SampleFiles.FindDefaultModel();
    var clock = Stopwatch.StartNew();
    using var dit = DiT.Load(model, new DiTOptions { Log = m => Console.Error.WriteLine(m), Precision = precision });
    Console.WriteLine($"{dit.Name}: {dit.Classes.Count} classes ({string.Join(", ", dit.Classes)}); licence {dit.License}; loaded in {clock.Elapsed.TotalSeconds:F1} s on {dit.Provider}, {dit.Precision.ToJson()} graph");
    var names = classes.Count > 0 ? classes : dit.Classes.ToList();
    // The upscaler enlarges finished textures; a texture to start from is given at the model's own size.
    bool upscale = !noUpscale && dit.UpscaleFactor != null;
    if (initPath is null && (maskPath != null || strengthGiven)) throw new ArgumentException("--strength and --mask need --init (the texture to start from).");
    var init = initPath is null ? null : SourcePng.Read(initPath);
    // Inpainting regenerates the masked part from noise unless a strength is given.
    float[]? mask = maskPath is null ? null : SourcePng.ReadMask(maskPath, init!.Width, init.Height);
    if (mask != null && !strengthGiven) strength = 1f;
    Directory.CreateDirectory(outDir);
    foreach (var name in names)
    {
        clock.Restart();
        var images = dit.Generate(new GenerationOptions
        {
            ClassNames = Enumerable.Repeat(name, count).ToArray(), Seed = seed, Steps = steps, Sampler = sampler, CfgScale = cfg,
            InitImage = init, Strength = strength, Mask = mask, NegativeClassName = negative, MixClassName = mixClass, Mix = mixWeight, Upscale = upscale,
        });
        for (int k = 0; k < images.Count; k++)
        {
            var img = images[k];
            string file = Path.Combine(outDir, $"{SampleFiles.SafeName(img.Recipe.ClassName)}_{seed}_{k}.png");
            img.SavePng(file);
            Console.WriteLine($"{file}  ({img.Width}x{img.Height}, {img.Recipe.Sampler} {img.Recipe.Steps} steps, cfg {img.Recipe.CfgScale})");
        }
        Console.WriteLine($"  {name}: {clock.Elapsed.TotalSeconds / images.Count:F2} s per texture");
    }
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException or DiTPlugin.Runtime.ModelPackageException)
{
    // .NET appends " (Parameter 'x')" to argument errors: an internal name that means nothing to the user.
    string message = e is ArgumentException a && a.ParamName is { } p ? a.Message.Replace($" (Parameter '{p}')", "") : e.Message;
    Console.Error.WriteLine($"error: {message}");
    return 2;
}
