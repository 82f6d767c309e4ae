using DiTPlugin.Contract.Package;

namespace DiT.Training.Trainer;

/// <summary>Everything a training run needs beyond the model config and the data. Defaults are the paper's.</summary>
public sealed record TrainOptions
{
    public long Steps { get; init; } = 400_000;
    public int BatchSize { get; init; } = 256;
    /// <summary>AdamW learning rate; constant, no warm-up (paper, Section 4).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>AdamW weight decay; the paper uses none.</summary>
    public double WeightDecay { get; init; } = 0.0;
    /// <summary>EMA decay, updated every step. 0.9999 as in the paper; short runs want less (e.g. 0.999).</summary>
    public double EmaDecay { get; init; } = 0.9999;
    /// <summary>Ramp the EMA decay as min(EmaDecay, (1+k)/(10+k)); off by default, as in the paper.</summary>
    public bool EmaWarmup { get; init; }
    public bool HorizontalFlip { get; init; } = true;
    /// <summary>bf16 forward/backward with fp32 master weights and optimizer state.</summary>
    public bool Bf16 { get; init; }
    public bool ActivationCheckpointing { get; init; }
    public long Seed { get; init; }
    /// <summary>
    /// Draw each example's flip, dropped label, timestep and noise from its own generator seeded by (seed, step,
    /// position in the global batch) instead of one generator per step: what distributed runs use, so that N ranks
    /// train exactly what one process on the whole batch would, and a run can move between 1 and N ranks. With a
    /// latent codec (--vae) each example is then encoded on its own (its posterior sample is one of its draws), which
    /// is slower than one batch encode: distributed latent training wants a latent cache (dit cache-latents).
    /// </summary>
    public bool PerExampleRandomness { get; init; }
    public string Schedule { get; init; } = ScheduleKinds.Linear;
    public int DiffusionSteps { get; init; } = 1000;
    /// <summary>
    /// Not the codec itself but its <see cref="ILatentCodec.Description"/> (e.g. the VAE's file name), recorded in the
    /// checkpoint: set when the trainer encodes every batch with a VAE, and then a trainer (or a resume) refuses to
    /// start without a codec. Null when the run encodes nothing: pixel training, and also latent training from a
    /// latent cache (<see cref="LatentData"/>), whose latents were encoded beforehand; <see cref="LatentSpace"/> covers both.
    /// </summary>
    public string? LatentCodec { get; init; }
    /// <summary>The data are latents already (a latent cache from dit cache-latents).</summary>
    public bool LatentData { get; init; }
    /// <summary>Whether the model denoises latents (encoded here or read from a cache) rather than pixels.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool LatentSpace => LatentCodec is not null || LatentData;
    /// <summary>Where checkpoints, the loss CSV and sample grids go.</summary>
    public string OutputDir { get; init; } = "runs/dit";
    public long CheckpointEvery { get; init; } = 5000;
    public long SampleEvery { get; init; } = 5000;
    public long LogEvery { get; init; } = 10;
    /// <summary>Sampler for the periodic grids: a respacing string such as "ddim50" or "100".</summary>
    public string SampleRespacing { get; init; } = "ddim50";
    public double SampleCfgScale { get; init; } = 4.0;
    public int SampleRows { get; init; } = 4;
    /// <summary>Distributed runs: the size of one gradient all-reduce message (DDP's bucket_cap_mb).</summary>
    public double BucketMegabytes { get; init; } = 25;
    /// <summary>Torch intra-op threads; 0 keeps TorchSharp's default.</summary>
    public int Threads { get; init; }
    /// <summary>Read the next batch on a worker while a step computes (BatchPrefetch). Off only to measure what it hides;
    /// it changes no number, so it is not part of the recipe a checkpoint records.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool PrefetchBatches { get; init; } = true;
}
