// A WAV for Chromium's fake microphone that Chromium's voice processing lets through. A steady
// sine is what noise suppression is built to remove, so this is voice-like instead: a gliding
// fundamental with harmonics, in syllables of about 200 ms with short gaps between them.
import { readFileSync, writeFileSync } from 'node:fs';

const RATE = 48_000;

export function writeVoiceLikeWav(path: string, seconds = 4): string {
  const n = RATE * seconds;
  const pcm = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const f0 = 150 + 50 * Math.sin(2 * Math.PI * 0.7 * t); // intonation
    phase += (2 * Math.PI * f0) / RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t)) ** 0.5; // 2.5 syllables a second
    let x = 0;
    for (let h = 1; h <= 8; h++) x += Math.sin(h * phase) / h;
    pcm[i] = Math.round(Math.max(-1, Math.min(1, 0.35 * syllable * x)) * 32767);
  }
  return writeWav(path, pcm);
}

/** A quiet room: digital silence, for checking the energy the recognizer gets is the file's. */
export function writeSilentWav(path: string, seconds = 2): string {
  return writeWav(path, new Int16Array(RATE * seconds));
}

/** The RMS (full scale 1) of a WAV written here, for comparing with what was captured from it. */
export function wavFileRms(path: string): number {
  const pcm = readFileSync(path).subarray(44);
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += (pcm.readInt16LE(i) / 32768) ** 2;
  return Math.sqrt(sum / (pcm.length / 2));
}

function writeWav(path: string, samples: Int16Array): string {
  const pcm = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => pcm.writeInt16LE(s, i * 2));
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
