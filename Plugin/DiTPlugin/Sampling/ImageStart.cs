using System;
using DiTPlugin.Contract.Sampling;
using DiTPlugin.Noise;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// Starting a chain from an existing image (SDEdit, Meng et al. 2022) and keeping part of it (inpainting, as in
    /// RePaint without resampling). The image x0 is noised to the chain index that the strength selects,
    /// x_s = √ᾱ_s·x0 + √(1 − ᾱ_s)·z with z the job's own initial Philox draw, and the chain runs from there. Strength 1
    /// starts from z itself, exactly as a generation does; strength 0 runs no step and returns x0. With a mask, before
    /// every step the kept region (mask 0) is replaced by x0 noised to that step's index (its own Philox draw,
    /// <see cref="GaussianNoise.KeptRegionDraw"/>), and after the last step by x0 itself.
    /// </summary>
    internal sealed class ImageStart
    {
        private readonly float[] _x0;       // C·S·S, model space
        private readonly float[]? _keep;    // per element: 1 − mask (1 = keep x0 exactly); null without a mask
        private readonly SpacedSchedule _chain;

        /// <summary>The first chain index that is stepped; −1 when no step runs (strength 0).</summary>
        public int StartIndex { get; }

        public ImageStart(float[] x0, float[]? mask, int channels, float strength, SpacedSchedule chain)
        {
            _x0 = x0;
            _chain = chain;
            StartIndex = StrengthSteps.StartIndex(strength, chain.Steps);
            if (mask is null) return;
            int plane = x0.Length / channels;
            _keep = new float[x0.Length];
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++) _keep[c * plane + p] = 1f - mask[p];
        }

        /// <summary><paramref name="x"/> holds the initial draw z; it becomes the chain's starting point.</summary>
        public void Start(Span<float> x)
        {
            if (StartIndex < 0) { _x0.AsSpan().CopyTo(x); return; }
            if (StartIndex == _chain.Steps - 1) return;   // strength 1: from z, as a generation
            double a = Math.Sqrt(_chain.AlphasCumprod[StartIndex]), s = Math.Sqrt(1.0 - _chain.AlphasCumprod[StartIndex]);
            for (int k = 0; k < x.Length; k++) x[k] = (float)(a * _x0[k] + s * x[k]);
        }

        /// <summary>Before the step at <paramref name="index"/>: the kept region becomes x0 noised to that index.</summary>
        public void KeepRegion(Span<float> x, int index, ulong seed, uint imageIndex, Span<float> scratch)
        {
            if (_keep is null) return;
            GaussianNoise.Fill(seed, imageIndex, GaussianNoise.KeptRegionDraw(index), scratch);
            double a = Math.Sqrt(_chain.AlphasCumprod[index]), s = Math.Sqrt(1.0 - _chain.AlphasCumprod[index]);
            for (int k = 0; k < x.Length; k++)
            {
                double keep = _keep[k];
                if (keep == 0) continue;
                double known = a * _x0[k] + s * scratch[k];
                x[k] = (float)(keep * known + (1.0 - keep) * x[k]);
            }
        }

        /// <summary>
        /// RePaint's resampling: the sample at chain index <paramref name="index"/> − <paramref name="jump"/> noised forward
        /// <paramref name="jump"/> steps, back to <paramref name="index"/>: x_i = √(ᾱ_i/ᾱ_{i−j})·x_{i−j} + √(1 − ᾱ_i/ᾱ_{i−j})·z,
        /// z the draw of (index, repeat).
        /// </summary>
        public void Renoise(Span<float> x, int index, int jump, int repeat, ulong seed, uint imageIndex, Span<float> scratch)
        {
            GaussianNoise.Fill(seed, imageIndex, GaussianNoise.ResampleDraw(index, repeat), scratch);
            double ratio = _chain.AlphasCumprod[index] / _chain.AlphasCumprod[index - jump];
            double a = Math.Sqrt(ratio), s = Math.Sqrt(1.0 - ratio);
            for (int k = 0; k < x.Length; k++) x[k] = (float)(a * x[k] + s * scratch[k]);
        }

        /// <summary>After the last step: the kept region is x0 itself (bit for bit where the mask is 0).</summary>
        public void Finish(Span<float> x)
        {
            if (_keep is null) return;
            for (int k = 0; k < x.Length; k++)
            {
                float keep = _keep[k];
                if (keep == 1f) x[k] = _x0[k];
                else if (keep != 0f) x[k] = (float)(keep * _x0[k] + (1.0 - keep) * x[k]);
            }
        }
    }
}
