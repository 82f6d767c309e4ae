using static TorchSharp.torch;

namespace DiT.Training.Data;

/// <summary>Reads examples into a batch tensor: (N, C, H, W) floats and (N) int64 labels.</summary>
public static class DatasetBatch
{
    public static (Tensor X, Tensor Y) Load(IImageDataset data, int[] indices) => ToTensors(data, Read(data, indices));

    /// <summary>The examples' pixels (N·C·H·W floats) and labels, read without torch, so a worker thread may do it.</summary>
    /// <param name="workers">How many examples to decode at once; 0 = as many as the thread pool gives.</param>
    public static (float[] Pixels, long[] Labels) Read(IImageDataset data, int[] indices, int workers = 0)
    {
        int per = data.Channels * data.Height * data.Width;
        var pixels = new float[indices.Length * per];
        var labels = new long[indices.Length];
        // Decoding (JPEG/PNG for ImageFolder) dominates for real data; samples are independent, each lands in its own
        // slot, so decoding in parallel changes nothing about the batch (datasets' Get is thread-safe).
        var options = new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = workers > 0 ? workers : -1 };
        try
        {
            System.Threading.Tasks.Parallel.For(0, indices.Length, options, i =>
            {
                var ex = data.Get(indices[i]);
                ex.Chw.CopyTo(pixels, i * per);
                labels[i] = ex.Label;
            });
        }
        catch (System.AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The dataset's own error (a corrupt file, named), not "One or more errors occurred".
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return (pixels, labels);
    }

    public static (Tensor X, Tensor Y) ToTensors(IImageDataset data, (float[] Pixels, long[] Labels) read) =>
        (tensor(read.Pixels, new long[] { read.Labels.Length, data.Channels, data.Height, data.Width }), tensor(read.Labels));
}
