namespace DiT.Training.Trainer;

/// <summary>
/// Where a checkpoint's weights came from and under what licence. Imported weights keep this all the way into
/// the model package (model.json's license), so that non-commercial weights such as the official DiT release
/// (CC-BY-NC-4.0) are never shipped in a commercial game by accident.
/// </summary>
/// <param name="LicenseId">SPDX id, e.g. "CC-BY-NC-4.0".</param>
/// <param name="CommercialUse">Whether the licence allows commercial use.</param>
/// <param name="Source">Free text: the imported file(s), their sha256, the state-dict key picked.</param>
public sealed record Provenance(string LicenseId, bool CommercialUse, string LicenseText, string Attribution, string Source);
