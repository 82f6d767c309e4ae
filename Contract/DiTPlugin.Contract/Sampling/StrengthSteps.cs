using System;

namespace DiTPlugin.Contract.Sampling
{
    /// <summary>
    /// Where a chain that starts from an existing image (SDEdit) begins: both the Plugin and Training's sampler start at
    /// the same chain index for the same strength, so a texture edited in either gives the same chain.
    /// </summary>
    public static class StrengthSteps
    {
        /// <summary>
        /// The first chain index stepped when <paramref name="strength"/> (in [0, 1]) of a chain of <paramref name="steps"/>
        /// runs: ⌈strength·steps⌉ − 1, so ⌈strength·steps⌉ steps run; −1 (no step) for strength 0; steps − 1 (the
        /// whole chain, from pure noise) for strength 1. The 1e-4 absorbs float's rounding of the strength (0.6f·10 is
        /// 6.0000002, which means 6 steps, not 7).
        /// </summary>
        public static int StartIndex(float strength, int steps)
        {
            if (!(strength >= 0 && strength <= 1)) throw new ArgumentOutOfRangeException(nameof(strength), strength, "The strength must be in [0, 1].");
            return Math.Max(-1, (int)Math.Ceiling(strength * (double)steps - 1e-4) - 1);
        }
    }
}
