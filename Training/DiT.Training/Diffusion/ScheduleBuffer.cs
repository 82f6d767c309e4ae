using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>
/// One float64 schedule array as a tensor, indexed by timesteps. The double values are looked up in float64 and
/// only then cast to the dtype of x (as ADM's _extract_into_tensor does), so float32 models still get the
/// correctly rounded constants. A copy is cached per device so GPU sampling does not re-upload every step.
/// </summary>
internal sealed class ScheduleBuffer : IDisposable
{
    private readonly double[] _values;
    private readonly Dictionary<string, Tensor> _byDevice = new();
    private readonly object _lock = new();

    public ScheduleBuffer(IReadOnlyList<double> values)
    {
        _values = new double[values.Count];
        for (int i = 0; i < _values.Length; i++) _values[i] = values[i];
    }

    private Tensor On(Device device)
    {
        string key = device.ToString();
        lock (_lock)
        {
            if (_byDevice.TryGetValue(key, out var cached)) return cached;
            // Cached beyond any caller's dispose scope: detach so a surrounding NewDisposeScope does not free it.
            var cpu = tensor(_values, dtype: ScalarType.Float64);
            var t = device.type == DeviceType.CPU ? cpu : cpu.to(device);
            if (!ReferenceEquals(t, cpu)) cpu.Dispose();
            t.DetachFromDisposeScope();
            _byDevice[key] = t;
            return t;
        }
    }

    /// <summary>values[t] as a tensor of x's dtype and device, shaped (B, 1, ..., 1) to broadcast against x.</summary>
    public Tensor Extract(Tensor t, Tensor x)
    {
        using var scope = NewDisposeScope();
        var table = On(x.device);
        var idx = t.to(ScalarType.Int64, x.device).reshape(-1);
        var shape = new long[x.dim()];
        shape[0] = idx.shape[0];
        for (int i = 1; i < shape.Length; i++) shape[i] = 1;
        var res = table.index_select(0, idx).to(x.dtype).reshape(shape);
        return res.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var t in _byDevice.Values) t.Dispose();
            _byDevice.Clear();
        }
    }
}
