// The call screen as the tests and the bench see it: its own measurements (window[VIDEO_STATS_KEY],
// window[AUDIO_STATS_KEY], window[VOICE_STATS_KEY], see renderer/src/media/stats.ts and
// renderer/src/voice/stats.ts) and pixel checks on screenshots.
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { AUDIO_STATS_KEY, VIDEO_STATS_KEY, type AudioStats, type VideoStats } from '../../renderer/src/media/stats.js';
import { VOICE_STATS_KEY, type VoiceStats } from '../../renderer/src/voice/stats.js';

export type { AudioStats, VideoStats, VoiceStats };

interface StatsKinds {
  [VIDEO_STATS_KEY]: VideoStats;
  [AUDIO_STATS_KEY]: AudioStats;
  [VOICE_STATS_KEY]: VoiceStats;
}

async function statsOf<K extends keyof StatsKinds>(page: Page, key: K): Promise<StatsKinds[K]> {
  const stats = await page.evaluate((k) => (globalThis as unknown as Record<string, unknown>)[k], key);
  if (!stats) throw new Error(`the page has no ${key} (not the panel's screen?)`);
  return stats as StatsKinds[K];
}

async function waitForStats<K extends keyof StatsKinds>(
  page: Page,
  key: K,
  accept: (s: StatsKinds[K]) => boolean,
  timeoutMs: number,
  what: string,
  show: (s: StatsKinds[K]) => unknown = (s) => s,
): Promise<StatsKinds[K]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await statsOf(page, key);
    if (accept(stats)) return stats;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${key} ${JSON.stringify(show(stats))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const videoStatsOf = (page: Page): Promise<VideoStats> => statsOf(page, VIDEO_STATS_KEY);
export const audioStatsOf = (page: Page): Promise<AudioStats> => statsOf(page, AUDIO_STATS_KEY);
export const voiceStatsOf = (page: Page): Promise<VoiceStats> => statsOf(page, VOICE_STATS_KEY);

/** Resolves with the video stats once `accept` holds for the picture of the call with `mediaTag`. */
export function waitForVideo(page: Page, mediaTag: number, accept: (s: VideoStats) => boolean, timeoutMs: number, what: string): Promise<VideoStats> {
  return waitForStats(page, VIDEO_STATS_KEY, (s) => s.mediaTag === mediaTag && accept(s), timeoutMs, what, (s) => ({ ...s, keyFrameLatencyMs: s.keyFrameLatencyMs.length }));
}

export function waitForAudio(page: Page, accept: (s: AudioStats) => boolean, timeoutMs: number, what: string): Promise<AudioStats> {
  return waitForStats(page, AUDIO_STATS_KEY, accept, timeoutMs, what);
}

export function waitForVoice(page: Page, accept: (s: VoiceStats) => boolean, timeoutMs: number, what: string): Promise<VoiceStats> {
  return waitForStats(page, VOICE_STATS_KEY, accept, timeoutMs, what, (s) => ({ ...s, capture: { ...s.capture, latencyMs: s.capture.latencyMs.length } }));
}

export interface PictureStats {
  width: number;
  height: number;
  /** Standard deviation of luma (0-255): a blank or single-colour picture is near 0. */
  lumaSpread: number;
  /** Distinct colours after quantising each channel to 3 bits. */
  colours: number;
}

export function pictureStats(png: Buffer): PictureStats {
  const { width, height, data } = PNG.sync.read(png);
  let sum = 0;
  let sumSq = 0;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sumSq += y * y;
    colours.add(((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5));
  }
  const n = width * height;
  return { width, height, lumaSpread: Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2)), colours: colours.size };
}

/** How many pixels differ by more than `threshold` in any channel between two same-size PNGs. */
export function changedPixels(a: Buffer, b: Buffer, threshold = 32): number {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) return pa.width * pa.height;
  let changed = 0;
  for (let i = 0; i < pa.data.length; i += 4) {
    if (
      Math.abs(pa.data[i]! - pb.data[i]!) > threshold ||
      Math.abs(pa.data[i + 1]! - pb.data[i + 1]!) > threshold ||
      Math.abs(pa.data[i + 2]! - pb.data[i + 2]!) > threshold
    ) {
      changed++;
    }
  }
  return changed;
}
