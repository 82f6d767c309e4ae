#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DiTPlugin.Textures;

namespace DiTPlugin.TextureGen
{
    public enum RunnerMode
    {
        /// <summary>Denoising runs on a worker thread (a Task); the main thread only uploads.</summary>
        WorkerThread,
        /// <summary>Denoising runs in <see cref="GenerationRunner.Tick"/> on the caller's thread, within a time budget per call.</summary>
        MainThreadBudget,
    }

    public enum RunnerState { Running, Completed, Cancelled, Failed }

    /// <summary>One texture update taken by the uploading thread.</summary>
    public readonly struct TextureFrame
    {
        public int Image { get; }
        /// <summary>All mip levels in the target's layout (Unity: LoadRawTextureData).</summary>
        public byte[] Data { get; }
        public bool IsFinal { get; }

        public TextureFrame(int image, byte[] data, bool isFinal)
        {
            Image = image;
            Data = data;
            IsFinal = isFinal;
        }
    }

    /// <summary>
    /// Runs one generation for an engine: the job is stepped on a worker thread (or within a frame budget on the
    /// main thread), each image streams into a <see cref="CpuTextureTarget"/>, and the main thread polls
    /// <see cref="TryTake"/> each frame to upload the newest preview or the final image. Unity-free: the component
    /// and the editor window drive it.
    /// </summary>
    public sealed class GenerationRunner : IDisposable
    {
        private readonly CpuTextureTarget[] _targets;
        private readonly long[] _seen;
        private readonly GenerationJob _job;
        private readonly Task<IReadOnlyList<GeneratedImage>>? _task;
        private readonly CancellationTokenSource _cts = new CancellationTokenSource();
        private int _stepsDone;
        private volatile bool _cancelRequested;
        private IReadOnlyList<GeneratedImage>? _result;
        private Exception? _error;

        public RunnerMode Mode { get; }
        public IReadOnlyList<CpuTextureTarget> Targets => _targets;
        /// <summary>The textures' layout (size, mips): create the engine textures to match.</summary>
        public TextureLayout Layout { get; }
        public int TotalSteps { get; }
        public int StepsDone => Volatile.Read(ref _stepsDone);
        public float Progress => TotalSteps == 0 ? 1f : (float)StepsDone / TotalSteps;

        public RunnerState State
        {
            get
            {
                if (_task != null)
                {
                    if (!_task.IsCompleted) return RunnerState.Running;
                    if (_task.IsCanceled) return RunnerState.Cancelled;
                    if (_task.IsFaulted) return _task.Exception!.InnerExceptions.Any(e => e is OperationCanceledException) ? RunnerState.Cancelled : RunnerState.Failed;
                    return RunnerState.Completed;
                }
                if (_error != null) return RunnerState.Failed;
                if (_cancelRequested && _result == null) return RunnerState.Cancelled;
                return _result != null ? RunnerState.Completed : RunnerState.Running;
            }
        }

        public bool IsDone => State != RunnerState.Running;

        /// <summary>The images (with recipes) once <see cref="State"/> is Completed, else null.</summary>
        public IReadOnlyList<GeneratedImage>? Result => _task != null ? (State == RunnerState.Completed ? _task.Result : null) : _result;

        /// <summary>The failure once <see cref="State"/> is Failed.</summary>
        public Exception? Error => _task != null
            ? (State == RunnerState.Failed ? (_task.Exception!.InnerExceptions.Count == 1 ? _task.Exception.InnerException : _task.Exception) : null)
            : _error;

        private GenerationRunner(DiT dit, GenerationOptions options, TextureSettings settings, RunnerMode mode)
        {
            if (dit is null) throw new ArgumentNullException(nameof(dit));
            if (options is null) throw new ArgumentNullException(nameof(options));
            Mode = mode;
            int count = options.ClassIds?.Count ?? options.ClassNames?.Count ?? 0;
            _targets = Enumerable.Range(0, Math.Max(count, 1)).Select(_ => new CpuTextureTarget(settings)).ToArray();
            _seen = new long[_targets.Length];
            var o = dit.Manifest.Output;
            Layout = new TextureLayout(o.Width, o.Height, settings);
            _job = dit.CreateJob(options, _targets);     // validates the options on the calling thread
            TotalSteps = _job.TotalSteps;
            if (mode == RunnerMode.WorkerThread)
            {
                var job = _job;
                var token = _cts.Token;
                _task = Task.Run(() =>
                {
                    while (!job.IsCompleted)
                    {
                        token.ThrowIfCancellationRequested();
                        job.Step();                               // exactly one denoising step
                        Interlocked.Increment(ref _stepsDone);
                    }
                    return job.Result;
                }, token);
            }
        }

        /// <summary>
        /// Starts generating <paramref name="options"/> into CPU targets of <paramref name="settings"/> (default: Unity's
        /// layout). <see cref="Tick"/> measures its budget with <see cref="GenerationOptions.Clock"/> (default: a stopwatch).
        /// </summary>
        public static GenerationRunner Start(DiT dit, GenerationOptions options, TextureSettings? settings = null, RunnerMode mode = RunnerMode.WorkerThread) =>
            new GenerationRunner(dit, options, settings ?? TextureSettings.Unity(), mode);

        /// <summary>
        /// Call once a frame on the main thread. In <see cref="RunnerMode.MainThreadBudget"/> it runs denoising steps
        /// while the time spent plus the last step's duration stays within <paramref name="budget"/>: one step when the
        /// previous one took longer than the budget, else as many as fit, so a frame never starts a step it cannot
        /// finish in time (a single step is indivisible: models whose step exceeds a frame belong on the worker
        /// thread). In worker mode it does nothing and returns at once.
        /// </summary>
        public void Tick(TimeSpan budget)
        {
            if (_task != null || _cancelRequested || _error != null || _job.IsCompleted) return;
            try
            {
                // The job's own budget rule (and its clock, GenerationOptions.Clock); a Cancel made during a step ends the frame.
                Interlocked.Add(ref _stepsDone, _job.Step(budget, _cts.Token));
                if (_job.IsCompleted) _result = _job.Result;
            }
            catch (Exception e)
            {
                _error = e;
            }
        }

        /// <summary>The newest update of image <paramref name="image"/> since the last call, if any (poll from the uploading thread).</summary>
        public bool TryTake(int image, out TextureFrame frame)
        {
            if (image < 0 || image >= _targets.Length) throw new ArgumentOutOfRangeException(nameof(image));
            if (_targets[image].TryTake(ref _seen[image], out var data, out bool isFinal))
            {
                frame = new TextureFrame(image, data, isFinal);
                return true;
            }
            frame = default;
            return false;
        }

        /// <summary>Every image's newest update since the last call.</summary>
        public IEnumerable<TextureFrame> TakeAll()
        {
            for (int k = 0; k < _targets.Length; k++)
                if (TryTake(k, out var f)) yield return f;
        }

        /// <summary>Stops at the next step boundary.</summary>
        public void Cancel()
        {
            _cancelRequested = true;
            try { _cts.Cancel(); } catch (ObjectDisposedException) { }
        }

        /// <summary>Waits for the worker (worker mode) up to <paramref name="timeout"/>; true when it has finished.</summary>
        public bool Wait(TimeSpan timeout)
        {
            if (_task == null) return IsDone;
            try { return _task.Wait(timeout); }
            catch (AggregateException) { return true; }
        }

        /// <summary>Cancels and waits briefly for the worker, so that the model can be released.</summary>
        public void Dispose()
        {
            Cancel();
            Wait(TimeSpan.FromSeconds(10));
            if (_task == null || _task.IsCompleted) _cts.Dispose();
        }
    }
}
