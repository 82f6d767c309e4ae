#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// A model being loaded for a component or window, polled from the main thread: loading (sha256 checks, ONNX
    /// Runtime sessions) takes seconds for big models and runs on a worker thread, so no main-thread call waits for it.
    /// Dispose it when done: that drops its reference to the shared model (also when the load is still running).
    /// </summary>
    public sealed class ModelRequest : IDisposable
    {
        private readonly ModelCache.Entry _entry;
        private int _disposed;

        internal ModelRequest(ModelCache.Entry entry) => _entry = entry;

        public bool IsDone => _entry.Load.IsCompleted;
        /// <summary>The model once loaded, else null.</summary>
        public DiT? Model => _entry.Load.Status == TaskStatus.RanToCompletion ? _entry.Load.Result : null;
        /// <summary>Why the load failed (e.g. a <see cref="Runtime.ModelPackageException"/> naming the file), else null.</summary>
        public Exception? Error => _entry.Load.IsFaulted ? _entry.Load.Exception!.GetBaseException() : null;
        /// <summary>The latest stage reported by the loader (null before the first).</summary>
        public LoadProgress? Progress => _entry.Latest;
        /// <summary>The task behind it, for callers that may block (batch mode, tests).</summary>
        public Task<DiT> Task => _entry.Load;

        public void Dispose()
        {
            if (System.Threading.Interlocked.Exchange(ref _disposed, 1) == 0) ModelCache.Release(_entry);
        }
    }

    /// <summary>
    /// Loaded models shared by every component and window that asks for the same package and provider: loading a
    /// package (ONNX Runtime sessions) is slow and a DiT may be shared between threads. Reference-counted; a second
    /// request for a package that is still loading shares the same load.
    /// </summary>
    public static class ModelCache
    {
        internal sealed class Entry : IProgress<LoadProgress>
        {
            public Task<DiT> Load = null!;
            public int Refs;
            public volatile LoadProgress? Latest;
            public void Report(LoadProgress value) => Latest = value;
        }

        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Entry> Models = new Dictionary<string, Entry>();

        private static string Key(string fullPath, DiTOptions options)
        {
            string full = Path.GetFullPath(fullPath);
            string trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return $"{(trimmed.Length > 0 ? trimmed : full)}|{options.ExecutionProvider}|{options.DeviceId}|{options.PreferFp16}";
        }

        /// <summary>Starts (or joins) loading the package at <paramref name="fullPath"/> and returns at once.</summary>
        public static ModelRequest Request(string fullPath, DiTOptions options)
        {
            if (fullPath is null) throw new ArgumentNullException(nameof(fullPath));
            if (options is null) throw new ArgumentNullException(nameof(options));
            string key = Key(fullPath, options);
            lock (Gate)
            {
                if (Models.TryGetValue(key, out var e))
                {
                    e.Refs++;
                    return new ModelRequest(e);
                }
                var entry = new Entry { Refs = 1 };
                entry.Load = DiT.LoadAsync(fullPath, options, entry);
                Models[key] = entry;
                // A failed load leaves the cache, so that the next request tries again (e.g. after fixing the file).
                entry.Load.ContinueWith(t => { lock (Gate) if (Models.TryGetValue(key, out var cur) && cur == entry) Models.Remove(key); },
                    TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
                return new ModelRequest(entry);
            }
        }

        /// <summary>
        /// The model, loaded on this thread (for batch mode and build scripts, where blocking is fine); call
        /// <see cref="Release(DiT?)"/> when done.
        /// </summary>
        public static DiT Acquire(string fullPath, DiTOptions options)
        {
            var request = Request(fullPath, options);
            try { return request.Task.GetAwaiter().GetResult(); }
            catch { request.Dispose(); throw; }
        }

        /// <summary>Drops one reference to a model from <see cref="Acquire"/>; it is disposed when none is left.</summary>
        public static void Release(DiT? model)
        {
            if (model is null) return;
            Entry? found = null;
            lock (Gate)
                foreach (var e in Models.Values)
                    if (e.Load.Status == TaskStatus.RanToCompletion && ReferenceEquals(e.Load.Result, model)) { found = e; break; }
            if (found != null) Release(found);
        }

        internal static void Release(Entry entry)
        {
            bool dispose;
            lock (Gate)
            {
                dispose = --entry.Refs == 0;
                if (dispose)
                    foreach (var kv in Models)
                        if (kv.Value == entry) { Models.Remove(kv.Key); break; }
            }
            if (!dispose) return;
            // Nobody wants it any more: dispose it now, or when a load still running finishes.
            entry.Load.ContinueWith(t => { if (t.Status == TaskStatus.RanToCompletion) t.Result.Dispose(); }, TaskContinuationOptions.ExecuteSynchronously);
        }

        /// <summary>Number of models loaded or loading now.</summary>
        public static int Count { get { lock (Gate) return Models.Count; } }
    }
}
