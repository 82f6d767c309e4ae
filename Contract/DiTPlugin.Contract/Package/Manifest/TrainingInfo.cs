using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// training: where the weights came from, for people (no reader acts on it). Read leniently: a field of another
    /// JSON type reads as null and other fields are ignored, so a package is never refused for this section.
    /// </summary>
    [JsonConverter(typeof(TrainingInfoConverter))]
    public sealed record TrainingInfo
    {
        public long? Steps { get; init; }
        public string? Dataset { get; init; }
        public double? FinalLoss { get; init; }
    }

    /// <summary>
    /// Reads <see cref="TrainingInfo"/> leniently, with its keys matched exactly (as the duplicate-key rule compares
    /// them there), and writes its three fields as the serializer would, nulls included.
    /// </summary>
    internal sealed class TrainingInfoConverter : JsonConverter<TrainingInfo>
    {
        private const string StepsKey = "steps", DatasetKey = "dataset", FinalLossKey = "finalLoss";

        public override TrainingInfo? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            var e = doc.RootElement;
            if (e.ValueKind != JsonValueKind.Object) return null;
            long? steps = e.TryGetProperty(StepsKey, out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long n) ? n : (long?)null;
            string? dataset = e.TryGetProperty(DatasetKey, out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            double? loss = e.TryGetProperty(FinalLossKey, out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetDouble(out double x) ? x : (double?)null;
            return new TrainingInfo { Steps = steps, Dataset = dataset, FinalLoss = loss };
        }

        public override void Write(Utf8JsonWriter writer, TrainingInfo value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            if (value.Steps is long steps) writer.WriteNumber(StepsKey, steps); else writer.WriteNull(StepsKey);
            if (value.Dataset is string dataset) writer.WriteString(DatasetKey, dataset); else writer.WriteNull(DatasetKey);
            if (value.FinalLoss is double loss) writer.WriteNumber(FinalLossKey, loss); else writer.WriteNull(FinalLossKey);
            writer.WriteEndObject();
        }
    }
}
