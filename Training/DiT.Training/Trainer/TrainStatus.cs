namespace DiT.Training.Trainer;

/// <summary>What a training run reports after each logged step.</summary>
public sealed record TrainStatus(long Step, long TotalSteps, double Loss, double Mse, double Vb, double ItersPerSec,
    System.TimeSpan Elapsed, System.TimeSpan? Eta, string? Event = null);
