using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>What one frame's generation work cost.</summary>
    public readonly struct FrameWork
    {
        public int Steps { get; }
        public double Milliseconds { get; }
        /// <summary>The most expensive single step of the frame.</summary>
        public double MaxStepMilliseconds { get; }

        public FrameWork(int steps, double ms, double maxStepMs)
        {
            Steps = steps;
            Milliseconds = ms;
            MaxStepMilliseconds = maxStepMs;
        }
    }

    /// <summary>
    /// Runs queued generation jobs a few denoising steps per frame, one job after another. A frame always makes one
    /// step of progress; after that it starts another step only while the time spent plus the last step's cost fits
    /// the budget, so a frame overruns its budget by at most about one step.
    /// </summary>
    public sealed class TextureScheduler
    {
        private readonly Queue<(string Name, GenerationJob Job)> _queue = new Queue<(string, GenerationJob)>();
        private double _stepEstimateMs;

        public int Pending => _queue.Count;
        public bool IsIdle => _queue.Count == 0;
        /// <summary>Raised when a job completes, with its name.</summary>
        public event Action<string, GenerationJob>? Completed;

        public void Enqueue(string name, GenerationJob job) => _queue.Enqueue((name, job ?? throw new ArgumentNullException(nameof(job))));

        public FrameWork Tick(TimeSpan budget)
        {
            var frame = Stopwatch.StartNew();
            int steps = 0;
            double maxStep = 0;
            while (_queue.Count > 0)
            {
                if (steps > 0 && frame.Elapsed.TotalMilliseconds + _stepEstimateMs > budget.TotalMilliseconds) break;
                var (name, job) = _queue.Peek();
                double before = frame.Elapsed.TotalMilliseconds;
                job.Step();                                                // exactly one denoising step
                double cost = frame.Elapsed.TotalMilliseconds - before;
                _stepEstimateMs = cost;
                maxStep = Math.Max(maxStep, cost);
                steps++;
                if (job.IsCompleted)
                {
                    _queue.Dequeue();
                    Completed?.Invoke(name, job);
                }
            }
            return new FrameWork(steps, frame.Elapsed.TotalMilliseconds, maxStep);
        }
    }
}
