using System;

namespace DiT.Training.Model;

/// <summary>The fixed (not learned) 2-D sine-cosine position embedding of ViT/MAE, as DiT uses it.</summary>
public static class PositionEmbedding
{
    /// <summary>
    /// Returns a (gridSize*gridSize, dim) row-major table for token n = row*gridSize + col. The first dim/2
    /// channels encode the column, the last dim/2 the row; each half is [sin(pos*w), cos(pos*w)] with
    /// w_k = 1 / 10000^(k / (dim/4)). Computed in double, as the reference does in numpy.
    /// </summary>
    public static float[] SinCos2D(int dim, int gridSize)
    {
        if (dim % 4 != 0) throw new ArgumentException($"dim must be divisible by 4, got {dim}.", nameof(dim));
        var table = new float[gridSize * gridSize * dim];
        int half = dim / 2;
        for (int row = 0; row < gridSize; row++)
            for (int col = 0; col < gridSize; col++)
            {
                var offset = (row * gridSize + col) * dim;
                SinCos1D(table.AsSpan(offset, half), col);
                SinCos1D(table.AsSpan(offset + half, half), row);
            }
        return table;
    }

    private static void SinCos1D(Span<float> dst, double pos)
    {
        int quarter = dst.Length / 2;
        for (int k = 0; k < quarter; k++)
        {
            var omega = 1.0 / Math.Pow(10000.0, k / (double)quarter);
            dst[k] = (float)Math.Sin(pos * omega);
            dst[quarter + k] = (float)Math.Cos(pos * omega);
        }
    }
}
