using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using DiTPlugin.Imaging;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>What a demo run produced and measured.</summary>
    public sealed class DemoResult
    {
        public string Backend { get; set; } = "";
        public string Screenshot { get; set; } = "";
        public string Progression { get; set; } = "";
        public int Frames { get; set; }
        public int Steps { get; set; }
        public double BudgetMs { get; set; }
        public double MaxFrameWorkMs { get; set; }
        public double MaxStepMs { get; set; }
        public double MeanRenderMs { get; set; }
        /// <summary>Frames whose generation work overran the budget by more than the costliest step of the run.</summary>
        public int FramesOverBudgetPlusOneStep { get; set; }
    }

    /// <summary>
    /// The demo as a game loop: load the package, queue one texture job per scene slot, then each frame spend the
    /// budget on denoising steps (previews stream into the textures as they go) and render the room offscreen.
    /// Writes the final frame, a frame from early on, a denoising strip of the floor texture, the textures and
    /// per-frame timings.
    /// </summary>
    public static class DemoRun
    {
        public static DemoResult Run(DemoOptions o, TextWriter log, CancellationToken cancel = default)
        {
            string model = o.Model ?? SampleFiles.FindDefaultModel();
            using var dit = DiT.Load(model, new DiTOptions { Log = m => log.WriteLine(m) });
            using var backend = ChooseBackend(o.Backend, log);
            log.WriteLine($"{dit.Name} on {dit.Provider}; textures and rendering: {backend.Name}");

            var slots = SceneLayout.Slots(dit.Classes, o.Classes);
            // RGBA8 sRGB with mips, top row first (the Vulkan convention the renderer samples with).
            var settings = new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown, mipmaps: true);
            var targets = slots.Select(_ => backend.CreateTarget(settings)).ToList();
            var strip = new RecordingTarget(targets[0]);
            var scheduler = new TextureScheduler();
            var finals = new Dictionary<string, GeneratedImage>();
            scheduler.Completed += (name, job) => finals[name] = job.Result[0];
            for (int i = 0; i < slots.Count; i++)
            {
                var s = slots[i];
                var options = new GenerationOptions
                {
                    ClassNames = new[] { s.ClassName }, Seed = o.Seed, FirstImageIndex = (uint)i, Steps = o.Steps,
                    CfgScale = o.CfgScale, PreviewEvery = o.PreviewEvery, Seamless = s.Seamless,
                    // The upscaler is seam-aware, so seamless slots stay seamless at the larger size.
                    Upscale = o.Upscale && dit.UpscaleFactor != null,
                };
                scheduler.Enqueue(s.Name, dit.CreateJob(options, new ITextureTarget?[] { i == 0 ? strip : targets[i] }));
                log.WriteLine($"  queued {s.Name}: {s.ClassName}{(s.Seamless ? ", seamless" : "")}");
            }

            Directory.CreateDirectory(o.OutDir);
            using var renderer = backend.CreateRenderer(o.Width, o.Height, targets);
            var quads = SceneLayout.Quads();
            var vp = SceneLayout.ViewProjection(o.Width, o.Height);
            var csv = new StringBuilder("frame,steps,work_ms,max_step_ms,render_ms\n");
            var works = new List<FrameWork>();
            var renders = new List<double>();
            byte[] frame = Array.Empty<byte>();
            int tail = 0, frameNo = 0;
            bool earlySaved = false;
            var clock = Stopwatch.StartNew();
            while (tail < o.TailFrames)
            {
                cancel.ThrowIfCancellationRequested();
                if (scheduler.IsIdle) tail++;
                var work = scheduler.Tick(o.Budget);
                var r = Stopwatch.StartNew();
                frame = renderer.Render(vp, quads, SceneLayout.ClearLinear);
                double renderMs = r.Elapsed.TotalMilliseconds;
                if (work.Steps > 0) works.Add(work);
                renders.Add(renderMs);
                csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{frameNo},{work.Steps},{work.Milliseconds:F2},{work.MaxStepMilliseconds:F2},{renderMs:F2}"));
                if (frameNo % 20 == 0)
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  frame {frameNo,4}: {work.Steps} step(s) {work.Milliseconds,6:F1} ms of {o.Budget.TotalMilliseconds:F0} ms budget, render {renderMs,6:F1} ms, {scheduler.Pending} job(s) left"));
                if (!earlySaved && finals.Count >= 2)
                {
                    PngWriter.Write(Path.Combine(o.OutDir, "screenshot_early.png"), frame, o.Width, o.Height);   // previews streaming in
                    earlySaved = true;
                }
                frameNo++;
            }

            var result = new DemoResult
            {
                Backend = backend.Name,
                Screenshot = Path.Combine(o.OutDir, "screenshot.png"),
                Progression = Path.Combine(o.OutDir, "progression.png"),
                Frames = frameNo,
                Steps = works.Sum(w => w.Steps),
                BudgetMs = o.Budget.TotalMilliseconds,
                MaxFrameWorkMs = works.Count == 0 ? 0 : works.Max(w => w.Milliseconds),
                MaxStepMs = works.Count == 0 ? 0 : works.Max(w => w.MaxStepMilliseconds),
                MeanRenderMs = renders.Average(),
            };
            result.FramesOverBudgetPlusOneStep = works.Count(w => w.Milliseconds > result.BudgetMs + result.MaxStepMs);
            PngWriter.Write(result.Screenshot, frame, o.Width, o.Height);
            WriteStrip(result.Progression, strip);
            foreach (var kv in finals) kv.Value.SavePng(Path.Combine(o.OutDir, "textures", SampleFiles.SafeName(kv.Key) + ".png"));
            File.WriteAllText(Path.Combine(o.OutDir, "frames.csv"), csv.ToString());

            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Frames} frames in {clock.Elapsed.TotalSeconds:F1} s, {result.Steps} denoising steps; generation per frame: max {result.MaxFrameWorkMs:F1} ms " +
                $"against a {result.BudgetMs:F0} ms budget, costliest step {result.MaxStepMs:F1} ms; render mean {result.MeanRenderMs:F1} ms"));
            log.WriteLine(result.FramesOverBudgetPlusOneStep == 0
                ? "No frame's generation work exceeded the budget by more than one step's cost."
                : $"{result.FramesOverBudgetPlusOneStep} frame(s) exceeded the budget by more than one step's cost (a busy machine?).");
            log.WriteLine($"Wrote {result.Screenshot}, {result.Progression}, textures/ and frames.csv in {o.OutDir}");
            return result;
        }

        /// <summary>
        /// The backend asked for: Auto is Vulkan when a device works, else the CPU (saying why); Vulkan and D3D12 throw
        /// <see cref="DemoBackendUnavailableException"/> with the reason when their device cannot be created.
        /// </summary>
        public static IDemoBackend ChooseBackend(DemoBackendKind kind, TextWriter log)
        {
            switch (kind)
            {
                case DemoBackendKind.Cpu:
                    return new CpuBackend();
                case DemoBackendKind.Vulkan:
                    return VulkanBackend.TryCreate(out var vk, out string vkReason) && vk != null ? vk
                        : throw new DemoBackendUnavailableException($"--backend vulkan: no Vulkan device ({vkReason}).");
                case DemoBackendKind.D3D12:
                    return D3D12Backend.TryCreate(out var dx, out string dxReason) && dx != null ? dx
                        : throw new DemoBackendUnavailableException($"--backend d3d12: no Direct3D 12 device ({dxReason}).");
                default:
                    if (VulkanBackend.TryCreate(out var vulkan, out string reason) && vulkan != null) return vulkan;
                    log.WriteLine($"No Vulkan device ({reason}); using the CPU fallback.");
                    return new CpuBackend();
            }
        }

        /// <summary>The recorded previews and the final image side by side with a gap, each scaled up (nearest) to about
        /// 128 pixels: 4x a model's own 32x32, 1x an upscaled 128x128.</summary>
        private static void WriteStrip(string path, RecordingTarget recorded)
        {
            var layout = recorded.Layout ?? throw new InvalidOperationException("The recorded texture was never allocated.");
            const int gap = 4;
            int scale = Math.Max(1, 128 / layout.Width);
            int w = layout.Width * scale, h = layout.Height * scale, n = recorded.Frames.Count;
            int stripW = n * w + (n - 1) * gap;
            var rgba = new byte[stripW * h * 4];
            for (int k = 0; k < n; k++)
            {
                var src = recorded.Frames[k].Rgba8;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        Buffer.BlockCopy(src, ((y / scale) * layout.Width + x / scale) * 4, rgba, (y * stripW + k * (w + gap) + x) * 4, 4);
            }
            PngWriter.Write(path, rgba, stripW, h);
        }
    }
}
