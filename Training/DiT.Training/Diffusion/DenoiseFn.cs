using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>
/// The network as the diffusion sees it: x_t (B,C,H,W) and the ORIGINAL timesteps t (B, int64, in [0, 1000)),
/// returning eps (B,C,H,W), or eps and the variance interpolation v concatenated (B,2C,H,W) when sigma is learned.
/// Class labels and guidance are bound by the caller (a closure), so the diffusion code knows nothing of them.
/// </summary>
public delegate Tensor DenoiseFn(Tensor x, Tensor t);
