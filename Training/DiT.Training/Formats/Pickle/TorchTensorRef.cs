using System.Linq;

namespace DiT.Training.Formats.Pickle;

/// <summary>
/// One storage record of a torch zip checkpoint, from the persistent id
/// <c>('storage', storage_type, key, location, numel)</c>: the bytes live in the archive entry <c>data/&lt;key&gt;</c>;
/// <see cref="Numel"/> counts elements of <see cref="Dtype"/> (bytes for UntypedStorage). Location ("cpu",
/// "cuda:0") is where the tensor lived when saved; we always load to the CPU.
/// </summary>
public sealed record TorchStorageRef(string Key, TorchDtype Dtype, string Location, long Numel)
{
    public long ByteLength => Numel * Dtype.ElementSize; // checked against overflow when the ref is created
}

/// <summary>
/// A tensor as the pickle describes it: a strided view (offset, size and stride in elements of <see cref="Dtype"/>)
/// into a storage that several tensors may share. Nothing is read until the checkpoint materialises it.
/// </summary>
public sealed record TorchTensorRef(TorchStorageRef Storage, long StorageOffset, long[] Size, long[] Stride, TorchDtype Dtype,
    bool RequiresGrad, bool IsParameter)
{
    public long ElementCount => Size.Aggregate(1L, (a, b) => a * b); // checked when the ref is created

    public override string ToString() =>
        $"tensor({Dtype.Name}, [{string.Join(", ", Size)}], storage '{Storage.Key}' offset {StorageOffset}, stride [{string.Join(", ", Stride)}])";
}
