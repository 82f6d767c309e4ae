using System;
using System.Linq;
using System.Threading.Tasks;

namespace DiT.Training.Data;

/// <summary>
/// Reads the next step's examples on one worker while the current step computes, so decoding (PNG/JPEG folders) no
/// longer adds to the step time. One worker: torch's intra-op threads already use the cores, and more decoding
/// threads would take them from the step rather than from idle time. Only pixels and labels cross threads; tensors
/// are made by the trainer's thread, inside its step's dispose scope.
/// </summary>
public sealed class BatchPrefetch : IDisposable
{
    private readonly IImageDataset data;
    private Task<(float[] Pixels, long[] Labels)>? pending;
    private long pendingStep = -1;
    private int[] pendingIndices = Array.Empty<int>();

    public BatchPrefetch(IImageDataset data) => this.data = data;

    /// <summary>Begins reading <paramref name="indices"/> for <paramref name="step"/>, replacing any unclaimed read.</summary>
    public void Start(long step, int[] indices)
    {
        Drain();
        pendingStep = step;
        pendingIndices = indices;
        pending = Task.Run(() => DatasetBatch.Read(data, indices, workers: 1));
    }

    /// <summary>
    /// The read for <paramref name="step"/> if one was started for exactly these indices (waiting for it if needed),
    /// else null. A failed read throws its own exception here, as a read on the caller's thread would.
    /// </summary>
    public (float[] Pixels, long[] Labels)? Take(long step, int[] indices)
    {
        if (pending is null || pendingStep != step || !pendingIndices.SequenceEqual(indices)) { Drain(); return null; }
        var task = pending;
        pending = null;
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits out a read no one will claim, so it never runs on after the dataset is gone.</summary>
    private void Drain()
    {
        var task = pending;
        pending = null;
        if (task is null) return;
        try { task.Wait(); }
        catch (AggregateException) { }   // its caller moved on; the next read reports any lasting problem
    }

    public void Dispose() => Drain();
}
