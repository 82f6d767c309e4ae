using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace DiT.Training.Distributed;

/// <summary>
/// The checked start of a distributed run: every rank contributes the values that must agree (world size, dtype,
/// parameter count, a hash of the model config and recipe, dataset size, step), they are all-gathered, and every
/// rank compares them to rank 0's. A mismatch (a different --model on one host, another dataset, a stale
/// checkpoint) fails every rank with the same message naming the field, the ranks and their values, before any
/// gradient is exchanged, instead of a hang or a silently wrong run.
/// </summary>
public static class StartupCheck
{
    /// <param name="fields">Name and value of each field, in the same order on every rank.</param>
    public static void Verify(ICommunicator comm, IReadOnlyList<(string Name, long Value)> fields)
    {
        var mine = new long[fields.Count + 1];
        mine[0] = fields.Count;                                      // guards against ranks running different code
        for (int i = 0; i < fields.Count; i++) mine[i + 1] = fields[i].Value;
        var all = comm.AllGather(mine);
        var problems = new List<string>();
        int width = mine.Length;
        for (int r = 1; r < comm.Size; r++)
        {
            if (all[r * width] != all[0])
            {
                problems.Add($"rank {r} checks {all[r * width]} fields but rank 0 checks {all[0]} (different builds of dit?)");
                continue;
            }
            for (int i = 0; i < fields.Count; i++)
            {
                long v0 = all[i + 1], vr = all[r * width + i + 1];
                if (v0 != vr) problems.Add($"{fields[i].Name}: rank 0 has {Show(fields[i].Name, v0)}, rank {r} has {Show(fields[i].Name, vr)}");
            }
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("The ranks of this distributed run disagree: " + string.Join("; ", problems) +
                ". Every rank must run the same model, recipe, dataset and checkpoint.");
    }

    /// <summary>A stable 63-bit hash of a text (SHA-256 prefix), for configs and recipes.</summary>
    public static long Hash(string text) =>
        (long)(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0) & long.MaxValue);

    /// <summary>The dtype codes a run reports: the torch ScalarType of its compute.</summary>
    public static long DtypeCode(TorchSharp.torch.ScalarType t) => (long)t;

    private static string Show(string name, long v) =>
        name == "dtype" ? ((TorchSharp.torch.ScalarType)v).ToString() : name.Contains("hash") ? $"{v:x16}" : v.ToString();
}
