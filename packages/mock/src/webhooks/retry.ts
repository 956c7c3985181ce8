// The documented retry schedule (contract §11.5) and the delay before each attempt.

/** Delay before attempt 1..8 in ms: immediate, ~1 min, ~5 min, ~30 min, ~2 h, ~5 h, ~10 h, ~24 h. */
export const RETRY_SCHEDULE_MS = [0, 60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000];

/** Attempts allowed: the caller's wish, at most the schedule's length. */
export const maxAttempts = (wanted?: number): number => Math.min(wanted ?? RETRY_SCHEDULE_MS.length, RETRY_SCHEDULE_MS.length);

/** Delay before attempt index `i` (0 = first), scaled, with the documented ±10 % jitter unless turned off. */
export function retryDelayMs(i: number, scale = 1, jitter = true): number {
  const d = RETRY_SCHEDULE_MS[i]! * scale;
  return d > 0 && jitter ? d * (0.9 + Math.random() * 0.2) : d;
}
