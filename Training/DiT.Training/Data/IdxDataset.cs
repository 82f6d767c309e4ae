using System;
using System.Collections.Generic;
using System.IO;

namespace DiT.Training.Data;

public enum IdxLayout
{
    /// <summary>Centre the original image on a TargetSize canvas filled with PadValue (no resampling blur).</summary>
    Pad,
    /// <summary>Bicubic-resize to TargetSize x TargetSize.</summary>
    Resize,
}

public sealed class IdxDatasetOptions
{
    /// <summary>Output side; 32 suits DiT patch sizes 2, 4 and 8.</summary>
    public int TargetSize { get; init; } = 32;
    public IdxLayout Layout { get; init; } = IdxLayout.Pad;
    /// <summary>Canvas value in [-1, 1] space; -1 is pixel 0, the black background of (Fashion-)MNIST.</summary>
    public float PadValue { get; init; } = -1f;
    /// <summary>Class names; defaults to the Fashion-MNIST ones.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}

/// <summary>
/// Grayscale images and labels from an IDX pair (images 0x00000803 [N, H, W], labels 0x00000801 [N]), e.g. Fashion-MNIST.
/// Held in memory as bytes (Fashion-MNIST train is 47 MB); converted to one-channel CHW [-1, 1] on <see cref="Get"/>.
/// </summary>
public sealed class IdxDataset : IImageDataset
{
    private readonly byte[] _images;
    private readonly byte[] _labels;
    private readonly int _srcH, _srcW;
    private readonly IdxDatasetOptions _opt;
    private readonly IReadOnlyList<string> _classNames;

    public int Count { get; }
    public int Channels => 1;
    public int Height => _opt.TargetSize;
    public int Width => _opt.TargetSize;
    public IReadOnlyList<string> ClassNames => _classNames;
    public int SourceHeight => _srcH;
    public int SourceWidth => _srcW;

    public IdxDataset(string imagesPath, string labelsPath, IdxDatasetOptions? options = null)
        : this(IdxFile.Read(imagesPath, IdxFile.ImagesMagic), imagesPath, IdxFile.Read(labelsPath, IdxFile.LabelsMagic), labelsPath, options) { }

    public IdxDataset(IdxArray images, string imagesSource, IdxArray labels, string labelsSource, IdxDatasetOptions? options = null)
    {
        _opt = options ?? new IdxDatasetOptions();
        if (_opt.TargetSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "TargetSize must be positive.");
        if (images.Dims.Length != 3) throw new InvalidDataException($"IDX images '{imagesSource}': expected 3 dimensions [N, H, W], got {images.Dims.Length}.");
        if (labels.Dims.Length != 1) throw new InvalidDataException($"IDX labels '{labelsSource}': expected 1 dimension [N], got {labels.Dims.Length}.");
        if (images.Dims[0] != labels.Dims[0])
            throw new InvalidDataException($"IDX count mismatch: '{imagesSource}' has {images.Dims[0]} images but '{labelsSource}' has {labels.Dims[0]} labels.");
        _srcH = images.Dims[1];
        _srcW = images.Dims[2];
        if (_opt.Layout == IdxLayout.Pad && (_srcH > _opt.TargetSize || _srcW > _opt.TargetSize))
            throw new ArgumentException($"cannot pad {_srcH}x{_srcW} images to {_opt.TargetSize}; use IdxLayout.Resize.");
        _classNames = _opt.ClassNames ?? FashionMnist.ClassNames;
        foreach (var l in labels.Data)
            if (l >= _classNames.Count)
                throw new InvalidDataException($"IDX labels '{labelsSource}': label {l} is outside the {_classNames.Count} classes.");
        _images = images.Data;
        _labels = labels.Data;
        Count = images.Dims[0];
    }

    public Example Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        int n = _srcH * _srcW, size = _opt.TargetSize;
        var src = _images.AsSpan(index * n, n);
        var o = new float[size * size];
        if (_opt.Layout == IdxLayout.Pad)
        {
            Array.Fill(o, _opt.PadValue);
            int y0 = (size - _srcH) / 2, x0 = (size - _srcW) / 2;
            for (int y = 0; y < _srcH; y++)
                for (int x = 0; x < _srcW; x++)
                    o[(y0 + y) * size + x0 + x] = src[y * _srcW + x] / 127.5f - 1f;
        }
        else
        {
            var img = new PixelImage(_srcW, _srcH, 1);
            for (int i = 0; i < n; i++) img.Data[i] = src[i];
            var r = Resample.Resize(img, size, size, ResampleFilter.Bicubic);
            // Bicubic overshoots at edges; clamp to the valid pixel range before scaling.
            for (int i = 0; i < o.Length; i++) o[i] = Math.Clamp(r.Data[i], 0f, 255f) / 127.5f - 1f;
        }
        return new Example(o, _labels[index]);
    }

    public int LabelAt(int index) => _labels[index];
}
