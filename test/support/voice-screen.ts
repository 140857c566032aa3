// The screen's voice as the tests and the bench drive it: through its own debug panel (语音调试),
// where a typed sentence is "heard" by the scripted recognizer on the real pipeline, and the
// host's voice log, where every sentence the host was told of ends up.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DATABASE_FILE } from '../../electron/host/index.js';
import { openDatabaseReadOnly, VoiceLogRepo, type StoredVoiceEntry } from '../../electron/host/store/index.js';
import { waitForText, waitForVisible } from './screen.js';

/** 设置 → 打开语音调试 → back home: the debug panel stays over every view from then on. */
export async function openDebugPanel(page: Page): Promise<void> {
  await page.getByTestId('open-settings').click();
  await page.getByTestId('voice-debug-toggle').click();
  await waitForVisible(page, 'voice-debug', 2000);
  await page.getByTestId('close-settings').click();
  await waitForVisible(page, 'home-view', 2000);
}

/** The resident "says" `text`: typed into the debug panel, heard by the scripted recognizer. */
export async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('voice-debug-text').fill(text);
  await page.getByTestId('voice-debug-hear').click();
}

/** A sentence counts in the context of the grammar in use: wait until that is `context`. */
export async function waitForGrammar(page: Page, context: string, timeoutMs = 3000): Promise<void> {
  await waitForText(page, 'voice-debug-context', context, timeoutMs);
}

/** The host's voice log, newest first (read beside the running host, as `lintel status` does). */
export function recentVoiceLog(dataDir: string, limit: number): StoredVoiceEntry[] {
  const db = openDatabaseReadOnly(join(dataDir, DATABASE_FILE));
  try {
    return new VoiceLogRepo(db).recent(limit);
  } finally {
    db.close();
  }
}
