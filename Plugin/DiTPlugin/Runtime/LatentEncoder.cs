using System;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The VAE encoder of a latent model: one texture as RGB in [-1, 1] → the posterior mean times the package's
    /// latent scale, i.e. the latent the DiT denoises. Used only when a generation starts from a texture, so the
    /// session is opened on first use.
    /// </summary>
    internal sealed class LatentEncoder : IDisposable
    {
        private readonly OnnxGraph _graph;
        private readonly float _scale;

        public LatentEncoder(OnnxGraph graph, double scale)
        {
            _graph = graph;
            _scale = (float)scale;
        }

        public string FileName => _graph.FileName;

        /// <summary>[C_out, H, W] pixels → [C, S, S] scaled latents.</summary>
        public float[] Encode(float[] pixels)
        {
            var latent = _graph.Run(pixels)[0];
            for (int k = 0; k < latent.Length; k++) latent[k] *= _scale;
            return latent;
        }

        public void Dispose() => _graph.Dispose();
    }
}
