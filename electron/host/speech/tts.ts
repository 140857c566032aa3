// Offline speech for the panel's short confirmations and for notices read aloud: espeak-ng's
// Mandarin voice (Debian package espeak-ng), run as a child process, its WAV parsed and resampled
// to the media channel's speech rate. Without espeak-ng the panel still works: it shows the words.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Logger } from '../log/index.js';

export const ESPEAK_NG = '/usr/bin/espeak-ng';

export interface Speech {
  sampleRate: number;
  samples: Int16Array;
}

export class TtsError extends Error {}

export interface TtsOptions {
  logger: Logger;
  /** Output rate (the contract's MEDIA_SPEECH_RATE). */
  sampleRate: number;
  binary?: string;
  /** espeak-ng words per minute; slower than its default 175 for elderly listeners. */
  wordsPerMinute?: number;
  timeoutMs?: number;
}

export class Tts {
  private readonly binary: string;
  private warned = false;

  constructor(private readonly o: TtsOptions) {
    this.binary = o.binary ?? ESPEAK_NG;
  }

  get available(): boolean {
    return existsSync(this.binary);
  }

  /** Synthesises Chinese text; rejects with TtsError (never hangs: bounded by timeoutMs). */
  async synthesize(text: string): Promise<Speech> {
    if (!this.available) {
      if (!this.warned) this.o.logger.warn({ binary: this.binary }, 'espeak-ng is not installed: the panel shows its words but cannot speak them');
      this.warned = true;
      throw new TtsError(`${this.binary} is not installed`);
    }
    const wav = await this.run(text);
    const parsed = parseWav(wav);
    return { sampleRate: this.o.sampleRate, samples: resample(parsed.samples, parsed.sampleRate, this.o.sampleRate) };
  }

  private run(text: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      // Text goes on stdin, never on the command line: no option injection from a notice's text.
      const child = spawn(this.binary, ['-v', 'cmn', '-s', String(this.o.wordsPerMinute ?? 150), '--stdout', '--stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new TtsError('espeak-ng took too long'));
      }, this.o.timeoutMs ?? 10_000);
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new TtsError(`espeak-ng failed to start: ${e.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(chunks));
        else reject(new TtsError(`espeak-ng exited with ${code}: ${stderr.trim().slice(0, 200)}`));
      });
      child.stdin.end(text);
    });
  }
}

/** A RIFF/WAVE file of 16-bit mono PCM (what espeak-ng writes; its streamed sizes may be 0 or -1). */
export function parseWav(wav: Buffer): { sampleRate: number; samples: Int16Array } {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new TtsError('not a WAV file');
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const declared = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = wav.readUInt16LE(body);
      const channels = wav.readUInt16LE(body + 2);
      const bits = wav.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new TtsError(`unsupported WAV: format ${format}, ${channels} channels, ${bits} bits`);
      sampleRate = wav.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!sampleRate) throw new TtsError('WAV data before fmt');
      // A streamed WAV says 0 or 0xFFFFFFFF for its data size: take what is there.
      const end = declared === 0 || declared === 0xffffffff ? wav.length : Math.min(wav.length, body + declared);
      const count = Math.floor((end - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = wav.readInt16LE(body + i * 2);
      return { sampleRate, samples };
    }
    offset = body + declared + (declared % 2);
  }
  throw new TtsError('WAV has no data chunk');
}

/** Linear interpolation: plenty for speech going to a small loudspeaker. */
export function resample(input: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return input;
  const out = new Int16Array(Math.floor((input.length * to) / from));
  const step = from / to;
  for (let i = 0; i < out.length; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = input[j] ?? 0;
    const b = input[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}
