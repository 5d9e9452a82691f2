using System.Text.Json.Serialization;

namespace IplsBench;

internal sealed record EngineFigures(
    [property: JsonPropertyName("train_rows_per_s_batch32")] double TrainRowsPerSecondBatch32,
    [property: JsonPropertyName("train_rows_per_s_batch1")] double TrainRowsPerSecondBatch1,
    [property: JsonPropertyName("score_us_per_row_batch1")] double ScoreMicrosecondsPerRowBatch1,
    [property: JsonPropertyName("score_rows_per_s_batch4096")] double ScoreRowsPerSecondBatch4096,
    [property: JsonPropertyName("score_alloc_bytes_per_row")] double ScoreAllocatedBytesPerRow);
