import { AggregationType, InstrumentType, type ViewOptions } from "@opentelemetry/sdk-metrics";

/**
 * Bucket boundaries in seconds for every histogram. The SDK's defaults (0…10000) are shaped for
 * milliseconds; all our durations are recorded in seconds (unit "s"), as Prometheus expects.
 */
export const SECONDS_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One view that gives every histogram of every meter the seconds buckets. */
export function secondsHistogramViews(boundaries: readonly number[] = SECONDS_BUCKETS): ViewOptions[] {
  return [
    {
      instrumentType: InstrumentType.HISTOGRAM,
      instrumentName: "*",
      aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...boundaries] } },
    },
  ];
}
