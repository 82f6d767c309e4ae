using System.Collections.Generic;
using System.Text.Json.Serialization;
using DiTPlugin.Contract.Schedules;

namespace DiTPlugin.Contract.Package
{
    /// <summary>schedule: the model's noise schedule, a named kind or explicit betas (which win).</summary>
    public sealed record ScheduleInfo
    {
        private readonly IReadOnlyList<double>? _betas;

        /// <summary>
        /// The named beta schedule. Null only when <see cref="Betas"/> are given and the kind is not a word the
        /// format names: the betas win, so such a package is valid (validation refuses the word without betas).
        /// </summary>
        [JsonIgnore]
        public ScheduleKind? Kind
        {
            get => ScheduleKinds.TryParse(KindWord, out var kind) ? kind : (ScheduleKind?)null;
            init => KindWord = value?.ToJson();
        }

        // The word as written ("linear" when absent), for validation to name (see InputInfo.SpaceWord).
        [JsonInclude, JsonPropertyName("kind")]
        internal string? KindWord { get; init; } = ScheduleKinds.Linear;

        /// <summary>T, the number of timesteps.</summary>
        public int Timesteps { get; init; }

        /// <summary>T explicit betas, or null for those of <see cref="Kind"/>.</summary>
        public IReadOnlyList<double>? Betas { get => _betas; init => _betas = ValueCollections.List(value); }

        /// <summary>The schedule's betas in float64: the explicit ones (copied), else those of the kind.</summary>
        public double[] ComputeBetas() => BetaSchedules.Get(KindWord ?? "", Timesteps, Betas);
    }
}
