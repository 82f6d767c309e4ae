using System;

namespace DiT.Training.Distributed;

/// <summary>The group of one: a run that is not distributed. Every collective is the identity.</summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    public static readonly SingleProcessCommunicator Instance = new();

    public int Rank => 0;
    public int Size => 1;
    public string Backend => "single";
    public void Broadcast(Span<float> data, int root = 0) => CheckRoot(root);
    public void AllReduceSum(Span<float> data) { }
    public IPendingCollective StartAllReduceSum(Memory<float> data) => Done.Instance;
    public long[] AllGather(ReadOnlySpan<long> mine) => mine.ToArray();
    public void Barrier() { }

    public void Abort(string message, int errorCode = 1)
    {
        Console.Error.WriteLine(message);
        Environment.Exit(errorCode);
    }

    public void Dispose() { }

    private static void CheckRoot(int root)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), $"Root {root} is not a rank of a group of size 1.");
    }

    private sealed class Done : IPendingCollective
    {
        public static readonly Done Instance = new();
        public void Wait() { }
        public void Progress() { }
    }
}
