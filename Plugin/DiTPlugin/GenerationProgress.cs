namespace DiTPlugin
{
    /// <summary>Progress of a generation: graph steps done of the total (all images), speed, optional preview.</summary>
    public sealed class GenerationProgress
    {
        public int Step { get; }
        public int Total { get; }
        /// <summary>Denoising steps per second so far.</summary>
        public double ItersPerSec { get; }
        /// <summary>The predicted x₀ of the first image of the current batch, when a preview was due.</summary>
        public GeneratedImage? Preview { get; }

        public GenerationProgress(int step, int total, double itersPerSec, GeneratedImage? preview)
        {
            Step = step;
            Total = total;
            ItersPerSec = itersPerSec;
            Preview = preview;
        }
    }
}
