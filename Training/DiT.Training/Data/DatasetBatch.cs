using static TorchSharp.torch;

namespace DiT.Training.Data;

/// <summary>Reads examples into a batch tensor: (N, C, H, W) floats and (N) int64 labels.</summary>
public static class DatasetBatch
{
    public static (Tensor X, Tensor Y) Load(IImageDataset data, int[] indices)
    {
        int c = data.Channels, h = data.Height, w = data.Width, per = c * h * w;
        var pixels = new float[indices.Length * per];
        var labels = new long[indices.Length];
        // Decoding (JPEG/PNG for ImageFolder) dominates for real data; samples are independent, each lands in its own
        // slot, so decoding in parallel changes nothing about the batch (datasets' Get is thread-safe).
        System.Threading.Tasks.Parallel.For(0, indices.Length, i =>
        {
            var ex = data.Get(indices[i]);
            ex.Chw.CopyTo(pixels, i * per);
            labels[i] = ex.Label;
        });
        return (tensor(pixels, new long[] { indices.Length, c, h, w }), tensor(labels));
    }
}
