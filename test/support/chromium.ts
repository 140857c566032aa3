// Debian's Chromium driven by Playwright: never a downloaded browser.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const HEADLESS_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...HEADLESS_FLAGS, ...extraArgs] });
}

/**
 * What the call screen needs on top of the defaults: a WAV file as the microphone (the permission
 * granted without a prompt, as the kiosk's permission handler does) and sound without a user
 * gesture, as the kiosk allows it. Chromium loops the file for as long as the microphone is open.
 */
export function callScreenArgs(fakeMicrophoneWav: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${fakeMicrophoneWav}`,
    '--autoplay-policy=no-user-gesture-required',
  ];
}
