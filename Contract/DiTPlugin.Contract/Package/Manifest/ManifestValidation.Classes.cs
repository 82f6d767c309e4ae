using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DiTPlugin.Contract.Classes;

namespace DiTPlugin.Contract.Package
{
    internal sealed partial class ManifestValidation
    {
        private void Classes(ClassesInfo? classes)
        {
            if (classes is null || classes.Count < 1) throw Bad("classes.count must be at least 1.");
            Range("classes.count", classes.Count, 1, ManifestLimits.MaxClasses);
            var names = classes.Names;
            if (names is null || names.Count != classes.Count)
                throw Bad($"classes.names has {names?.Count ?? 0} names but classes.count is {classes.Count}.");
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] is null) throw Bad($"classes.names[{i}] is null; class names are strings (an empty string marks an unnamed class).");
                Length($"classes.names[{i}]", names[i], ManifestLimits.MaxNameChars);
            }
            // The resolver's rule (trimmed, ignoring case; ImageNet's own repeats allowed in an ImageNet model): a
            // repeated name would leave its later classes reachable by id only.
            foreach (var (name, ids) in ClassNameRepeats.Refused(names))
                for (int k = 1; k < ids.Length; k++)
                    Report(Bad($"classes.names[{ids[k]}] {Show(names[ids[k]])} repeats classes.names[{ids[0]}]; class names must be unique, ignoring case (a repeated name could not select its class)."));
            if (classes.NullClass is { } nc && nc != classes.Count) Report(Bad($"classes.nullClass is {nc}, expected {classes.Count} (= count) or null (no guidance)."));
            if (classes.Synonyms != null)
            {
                if (classes.Synonyms.Count > ManifestLimits.MaxSynonyms)
                    Report(Bad($"classes.synonyms has {classes.Synonyms.Count} entries, more than {ManifestLimits.MaxSynonyms}."));
                foreach (var kv in classes.Synonyms)
                {
                    // The resolver searches by words (runs of letters and digits): a synonym without one could never be found.
                    if (ClassText.Words(kv.Key).Length == 0)
                        Report(Bad($"classes.synonyms has the synonym {Show(kv.Key)} (for class {kv.Value}), which has no letters or digits; no search could reach it."));
                    Length($"classes.synonyms key {Show(kv.Key)}", kv.Key, ManifestLimits.MaxNameChars);
                    if (kv.Value < 0 || kv.Value >= classes.Count)
                        Report(Bad($"classes.synonyms['{kv.Key}'] = {kv.Value} is not a class id (0..{classes.Count - 1})."));
                }
            }
        }

        private void Schedule(ScheduleInfo? schedule)
        {
            if (schedule is null || schedule.Timesteps < 1) throw Bad("schedule.timesteps must be at least 1.");
            Range("schedule.timesteps", schedule.Timesteps, 1, ManifestLimits.MaxTimesteps);
            if (schedule.Betas is null || schedule.Betas.Count == 0)
            {
                // The kind matters only without explicit betas, which win over it.
                if (!ScheduleKinds.TryParse(schedule.KindWord, out var kind)) throw Bad($"schedule.kind {Show(schedule.KindWord)} is not {ScheduleKinds.Expected}.");
                if (kind == ScheduleKind.Linear && schedule.Timesteps < ManifestLimits.MinLinearTimesteps)
                    Report(Bad($"schedule.timesteps {schedule.Timesteps} is too few for the linear schedule, whose last beta 0.02·1000/T would be above 1; it needs {ManifestLimits.MinLinearTimesteps}..{ManifestLimits.MaxTimesteps}."));
            }
            else
            {
                if (schedule.Betas.Count != schedule.Timesteps) Report(Bad($"schedule.betas lists {schedule.Betas.Count} betas but schedule.timesteps is {schedule.Timesteps}."));
                for (int i = 0; i < schedule.Betas.Count; i++)
                    if (!(schedule.Betas[i] > 0 && schedule.Betas[i] <= 1))
                    {
                        Report(Bad($"schedule.betas[{i}] = {schedule.Betas[i].ToString(CultureInfo.InvariantCulture)} is not in (0, 1]."));
                        break;   // one bad beta says it; a list of them says no more
                    }
            }
        }

        private void Sampling(SamplingInfo? sampling, int timesteps)
        {
            if (sampling?.Sampler is string spec)
            {
                try
                {
                    if (DiTPlugin.Contract.Sampling.SamplerSpec.Parse(spec, timesteps).Respacing.IndexOf(',') >= 0)
                        Report(Bad($"sampling.sampler {Show(spec)} is a DDPM section list; a package default must be ddpmN, ddimN or dpmN."));
                }
                catch (System.ArgumentException e) { Report(Bad($"sampling.sampler: {e.Message}")); }
            }
            if (sampling?.CfgScale is double cfg && !(cfg >= 0 && cfg <= PackageFormat.MaxCfgScale))
                Report(Bad($"sampling.cfgScale {cfg.ToString(CultureInfo.InvariantCulture)} is not in 0..{PackageFormat.MaxCfgScale.ToString(CultureInfo.InvariantCulture)}."));
        }
    }
}
