// A WAV for Chromium's fake microphone that Chromium's voice processing lets through. A steady
// sine is what noise suppression is built to remove, so this is voice-like instead: a gliding
// fundamental with harmonics, in syllables of about 200 ms with short gaps between them.
import { writeFileSync } from 'node:fs';

const RATE = 48_000;

export function writeVoiceLikeWav(path: string, seconds = 4): string {
  const n = RATE * seconds;
  const pcm = Buffer.alloc(n * 2);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const f0 = 150 + 50 * Math.sin(2 * Math.PI * 0.7 * t); // intonation
    phase += (2 * Math.PI * f0) / RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t)) ** 0.5; // 2.5 syllables a second
    let x = 0;
    for (let h = 1; h <= 8; h++) x += Math.sin(h * phase) / h;
    pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, 0.35 * syllable * x)) * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16); // PCM fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  writeFileSync(path, Buffer.concat([header, pcm]));
  return path;
}
