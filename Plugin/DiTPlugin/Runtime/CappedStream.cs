using System;
using System.IO;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Reads through to an inner stream and counts, refusing (with <see cref="ModelPackageException"/>) the first read
    /// that would take the total past the cap. A zip entry's declared size can lie, and a decompressor produces as much
    /// as the compressed data says, so the count of bytes actually produced is what is capped.
    /// </summary>
    internal sealed class CappedStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _cap;
        private readonly Func<long, ModelPackageException> _tooLong;

        /// <summary>Bytes read so far.</summary>
        public long Count { get; private set; }

        /// <param name="inner">The stream read (disposed with this one).</param>
        /// <param name="cap">The most bytes that may be read.</param>
        /// <param name="tooLong">The error for more than <paramref name="cap"/> bytes (given the cap).</param>
        public CappedStream(Stream inner, long cap, Func<long, ModelPackageException> tooLong)
        {
            _inner = inner;
            _cap = cap;
            _tooLong = tooLong;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = _inner.Read(buffer, offset, count);
            Count += n;
            if (Count > _cap) throw _tooLong(_cap);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>
        /// The whole stream as an array of exactly <paramref name="expected"/> bytes (at most the cap: callers check a
        /// declared size first). The first buffer holds <paramref name="initial"/> bytes, so a size that lies high
        /// costs no more than the caller's bound on what the data could really hold; it grows by doubling up to
        /// <paramref name="expected"/> while data keeps coming. A stream that ends early, or has a byte past
        /// <paramref name="expected"/> (one byte is read to see), is refused with <paramref name="mismatch"/>(bytes
        /// seen, whether there were more than expected).
        /// </summary>
        public byte[] ReadExactly(long expected, long initial, Func<long, bool, ModelPackageException> mismatch)
        {
            if (expected < 0 || expected > _cap) throw _tooLong(_cap);
            var buffer = new byte[Math.Max(0, Math.Min(expected, initial))];
            int filled = 0;
            while (filled < expected)
            {
                if (filled == buffer.Length)
                {
                    var bigger = new byte[Math.Min(Math.Max(buffer.LongLength * 2, 64 * 1024), expected)];
                    Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                    buffer = bigger;
                }
                int n = Read(buffer, filled, buffer.Length - filled);
                if (n == 0) throw mismatch(filled, false);
                filled += n;
            }
            var probe = new byte[1];
            if (Read(probe, 0, 1) != 0) throw mismatch(filled + 1L, true);
            return buffer;
        }
    }
}
