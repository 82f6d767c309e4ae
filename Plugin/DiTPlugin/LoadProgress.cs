using System;
using System.Threading;

namespace DiTPlugin
{
    /// <summary>Where a model load is: <see cref="Done"/> of <see cref="Total"/> units (files verified, sessions created).</summary>
    public sealed class LoadProgress
    {
        /// <summary>What is happening now, e.g. "verifying dit.onnx" or "creating the ONNX Runtime session for dit.onnx".</summary>
        public string Stage { get; }
        public int Done { get; }
        public int Total { get; }
        public double Fraction => Total == 0 ? 0 : (double)Done / Total;

        public LoadProgress(string stage, int done, int total)
        {
            Stage = stage;
            Done = done;
            Total = total;
        }

        public override string ToString() => $"{Stage} ({Done}/{Total})";
    }

    /// <summary>
    /// Reports a load's stages and checks for cancellation between them. Reports are made on the loading thread
    /// (an <see cref="IProgress{T}"/> such as Progress&lt;T&gt; moves them to the caller's context).
    /// </summary>
    internal sealed class LoadReporter
    {
        private readonly IProgress<LoadProgress>? _progress;
        private readonly CancellationToken _cancel;
        private int _done, _total;

        public static readonly LoadReporter None = new LoadReporter(null, CancellationToken.None);

        public LoadReporter(IProgress<LoadProgress>? progress, CancellationToken cancel)
        {
            _progress = progress;
            _cancel = cancel;
        }

        /// <summary>Adds units of work once they are known (after the manifest is read).</summary>
        public void Plan(int units) => _total += units;

        /// <summary>Announces the next unit, after checking for cancellation.</summary>
        public void Begin(string stage)
        {
            _cancel.ThrowIfCancellationRequested();
            Report(new LoadProgress(stage, _done, _total));
        }

        public void End() => _done++;

        public void Finish()
        {
            _cancel.ThrowIfCancellationRequested();
            Report(new LoadProgress("loaded", _total, _total));
        }

        // The caller's own exception passes through the load's package-error wrapping unchanged (DiT.Load unwraps it):
        // a throwing progress handler is not a bad package.
        private void Report(LoadProgress p)
        {
            if (_progress is null) return;
            try { _progress.Report(p); }
            catch (OperationCanceledException) { throw; }
            catch (Exception e) { throw new CallbackException(e); }
        }

        /// <summary>Carries an exception thrown by the caller's <see cref="IProgress{T}"/> out of the load.</summary>
        internal sealed class CallbackException : Exception
        {
            public CallbackException(Exception inner) : base(inner.Message, inner) { }
        }
    }
}
