namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The zip CRC-32 (IEEE 802.3, reflected 0xEDB88320), for model.json: the one package file no sha256 pins. .NET's
    /// zip reader stops an entry at the size its header declares, so a header that understates model.json's size
    /// would let the Plugin read a prefix while other readers read the whole entry; the CRC over the whole entry then
    /// differs from the prefix's, which is refused.
    /// </summary>
    internal static class Crc32
    {
        private static readonly uint[] Table = MakeTable();

        private static uint[] MakeTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }

        public static uint Compute(byte[] data)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return ~crc;
        }
    }
}
