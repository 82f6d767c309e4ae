using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The VAE decoder of a latent model: latents (already divided by the scale) → RGB in [-1, 1].
    /// Runs the fp16 graph when preferred and present, and falls back to the fp32 graph for good once fp16 gives
    /// NaN/Inf: the SD VAE's 512-channel GroupNorms can overflow in half precision on some inputs and providers.
    /// A graph whose tileSize is below the latent side is run over overlapping tiles blended with linear ramps, so
    /// large outputs need only a tile's activation memory.
    /// </summary>
    internal sealed class LatentDecoder : IDisposable
    {
        private readonly Func<GraphInfo, OnnxGraph> _open;
        private readonly GraphInfo? _fallback;
        private readonly Action<string>? _log;
        private readonly int _batch, _channels, _latent, _outChannels, _factor;
        private readonly int? _overlap;
        private OnnxGraph _graph;
        private GraphInfo _current;

        public string FileName => _current.File;
        public int TileSize => _current.TileSize ?? _latent;

        /// <summary>A decoder over the package's zero-padded graphs, or with <c>circular</c> its circular-padding ones (seamless textures).</summary>
        public LatentDecoder(ModelManifest m, bool preferFp16, Func<GraphInfo, int, OnnxGraph> open, Action<string>? log, bool circular = false)
        {
            var graphs = m.DecoderGraphs(circular);
            if (graphs.Count == 0)
                throw new ArgumentException(circular ? "The package has no VAE decoder with circular padding." : "The package has no VAE decoder.", nameof(m));
            _batch = m.SelectDiTGraph(preferFp16).Batch;
            _channels = m.Input.Channels;
            _latent = m.Input.Size;
            _outChannels = m.Output.Channels;
            _factor = m.Latent!.Downsample;
            _log = log;
            var want = preferFp16 ? Precision.Fp16 : Precision.Fp32;
            _current = graphs.FirstOrDefault(g => g.Precision == want) ?? graphs[0];
            _fallback = _current.Precision == Precision.Fp16 ? graphs.FirstOrDefault(g => g.Precision == Precision.Fp32) : null;
            _overlap = m.Latent.TileOverlap;
            _open = g => open(g, g.TileSize ?? _latent);
            _graph = _open(_current);
        }

        /// <summary>[B, C, S, S] latents / scale → [B, C_out, S·f, S·f] pixels.</summary>
        public float[] Decode(float[] latents)
        {
            try { return DecodeWith(_graph, latents); }
            catch (NonFiniteOutputException e) when (_fallback != null)
            {
                _log?.Invoke($"DiTPlugin: {_current.File} gave NaN/Inf ({e.Message}); decoding with {_fallback.File} (fp32) from now on.");
                var fp32 = _open(_fallback);
                _graph.Dispose();
                _graph = fp32;
                _current = _fallback;
                return DecodeWith(_graph, latents);
            }
        }

        private float[] DecodeWith(OnnxGraph graph, float[] latents)
        {
            int tile = _current.TileSize ?? _latent;
            if (tile >= _latent) return graph.Run(latents)[0];

            int overlap = Math.Min(_overlap ?? tile / 4, tile - 1);
            int outSide = _latent * _factor, tileOut = tile * _factor;
            var sum = new float[_batch * _outChannels * outSide * outSide];
            var weight = new float[outSide * outSide];
            var tileIn = new float[_batch * _channels * tile * tile];
            var origins = Origins(_latent, tile, overlap);
            foreach (int oy in origins)
                foreach (int ox in origins)
                {
                    for (int b = 0; b < _batch; b++)
                        for (int c = 0; c < _channels; c++)
                            for (int y = 0; y < tile; y++)
                                Array.Copy(latents, ((b * _channels + c) * _latent + oy + y) * _latent + ox,
                                           tileIn, ((b * _channels + c) * tile + y) * tile, tile);
                    var decoded = graph.Run(tileIn)[0];
                    var wy = Ramp(tileOut, overlap * _factor, oy > 0, oy + tile < _latent);
                    var wx = Ramp(tileOut, overlap * _factor, ox > 0, ox + tile < _latent);
                    int py0 = oy * _factor, px0 = ox * _factor;
                    for (int y = 0; y < tileOut; y++)
                        for (int x = 0; x < tileOut; x++)
                        {
                            float w = wy[y] * wx[x];
                            weight[(py0 + y) * outSide + px0 + x] += w;
                            for (int bc = 0; bc < _batch * _outChannels; bc++)
                                sum[(bc * outSide + py0 + y) * outSide + px0 + x] += w * decoded[(bc * tileOut + y) * tileOut + x];
                        }
                }
            for (int bc = 0; bc < _batch * _outChannels; bc++)
                for (int k = 0; k < outSide * outSide; k++)
                    sum[bc * outSide * outSide + k] /= weight[k];
            return sum;
        }

        /// <summary>Tile origins along one axis: stride tile − overlap, the last one flush with the far edge.</summary>
        internal static IReadOnlyList<int> Origins(int side, int tile, int overlap)
        {
            var list = new List<int>();
            int stride = Math.Max(1, tile - overlap);
            for (int o = 0; ; o += stride)
            {
                if (o + tile >= side) { list.Add(side - tile); break; }
                list.Add(o);
            }
            return list;
        }

        /// <summary>
        /// Per-pixel blend weights of one tile along one axis: rising linearly across the overlap on sides that have
        /// a neighbour, 1 elsewhere; never 0, so every output pixel has weight.
        /// </summary>
        internal static float[] Ramp(int length, int overlap, bool rampStart, bool rampEnd)
        {
            var w = new float[length];
            for (int i = 0; i < length; i++)
            {
                float v = 1f;
                if (overlap > 0 && rampStart) v = Math.Min(v, (i + 0.5f) / overlap);
                if (overlap > 0 && rampEnd) v = Math.Min(v, (length - i - 0.5f) / overlap);
                w[i] = v;
            }
            return w;
        }

        public void Dispose() => _graph.Dispose();
    }
}
