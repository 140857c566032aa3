// The end-to-end tests' check that the call screen shows a door's live picture before the answer:
// pixel checks on screenshots of the preview canvas, and the screen's own video stats. It uses
// vitest's expect, so it is for test files only (the bench uses call-screen.ts).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Call } from '../../electron/contract/index.js';
import type { Host } from '../../electron/host/index.js';
import { changedPixels, pictureStats, waitForVideo } from './call-screen.js';

/**
 * The preview canvas shows the door's picture, the call still unanswered on `host`: non-blank,
 * painted again and again, and (`changing`) different from one screenshot to the next.
 */
export async function expectLivePicture(page: Page, host: Host, call: Call, changing: { minChangedPixels: number } | 'static'): Promise<void> {
  const canvas = page.getByTestId('video-canvas');
  const first = await waitForVideo(page, call.mediaTag, (s) => s.framesPainted >= 2, 10_000, 'the first frames painted');
  const shotA = await canvas.screenshot();
  // A second's worth of frames at the doors' 15 fps.
  const later = await waitForVideo(page, call.mediaTag, (s) => s.framesPainted >= first.framesPainted + 12, 5000, 'frames painted for a second more');
  const shotB = await canvas.screenshot();
  const viewportWidth = page.viewportSize()?.width ?? 0;
  for (const shot of [shotA, shotB]) {
    const p = pictureStats(shot);
    expect(p.width).toBeGreaterThan(viewportWidth / 2); // the preview fills most of the screen
    expect(p.lumaSpread).toBeGreaterThan(20);
    expect(p.colours).toBeGreaterThanOrEqual(3);
  }
  if (changing === 'static') {
    // Frames still arrive and are drawn: the last one is fresh, not a picture left over.
    expect(Date.now() - (later.lastPaintAt ?? 0)).toBeLessThan(1000);
  } else {
    expect(changedPixels(shotA, shotB)).toBeGreaterThan(changing.minChangedPixels);
  }
  await expect(page.getByTestId('video-stalled').count()).resolves.toBe(0);
  expect(host.state().call).toMatchObject({ id: call.id, state: 'early' });
}
