using System;
using System.Collections.Generic;
using DiT.Training.Distributed;

namespace DiT.Training.Tests.Distributed;

/// <summary>
/// One rank of a pretend group, in process: the other ranks' contributions to each all-reduce come from
/// <see cref="OthersSum"/> (called with the call's index and length), their all-gather values from
/// <see cref="OthersGather"/>. Records the length of every all-reduce.
/// </summary>
internal sealed class FakeCommunicator(int rank, int size) : ICommunicator
{
    public int Rank => rank;
    public int Size => size;
    public string Backend => "fake";
    public Func<int, int, float[]>? OthersSum { get; init; }
    public Func<long[], long[]>? OthersGather { get; init; }
    public List<int> AllReduceLengths { get; } = new();

    public void Broadcast(Span<float> data, int root = 0) { }

    public void AllReduceSum(Span<float> data)
    {
        int call = AllReduceLengths.Count;
        AllReduceLengths.Add(data.Length);
        if (OthersSum is null) return;
        var others = OthersSum(call, data.Length);
        for (int i = 0; i < data.Length; i++) data[i] += others[i];
    }

    public IPendingCollective StartAllReduceSum(Memory<float> data)
    {
        AllReduceSum(data.Span);
        return new Done();
    }

    public long[] AllGather(ReadOnlySpan<long> mine)
    {
        var all = new long[mine.Length * size];
        for (int r = 0; r < size; r++) mine.CopyTo(all.AsSpan(r * mine.Length));
        if (OthersGather is not null)
        {
            var other = OthersGather(mine.ToArray());
            for (int r = 0; r < size; r++) if (r != rank) other.CopyTo(all.AsSpan(r * mine.Length));
        }
        return all;
    }

    public void Barrier() { }
    public void Abort(string message, int errorCode = 1) => throw new InvalidOperationException($"abort {errorCode}: {message}");
    public void Dispose() { }

    private sealed class Done : IPendingCollective
    {
        public void Wait() { }
        public void Progress() { }
    }
}
