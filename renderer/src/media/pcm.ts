// The panel's audio arithmetic, shared by the AudioWorklets: the far end's 8 kHz PCM played at
// the AudioContext's rate through a small jitter buffer, the microphone brought down to 8 kHz
// Int16 frames of 20 ms for the host, and the same microphone brought down to 16 kHz Float32
// frames for the speech recognizer. Pure code (no DOM, no worklet globals) so it is unit-tested
// under Node and bundled into each worklet.

export const PCM_RATE = 8000;
/** 20 ms at 8 kHz: one G.711 packet, one microphone frame on the media channel. */
export const FRAME_SAMPLES = 160;
/** What Vosk's Mandarin models are trained on. */
export const VOICE_RATE = 16000;
/** 20 ms at 16 kHz: small enough that speaking over the panel stops it without a noticeable lag. */
export const VOICE_FRAME_SAMPLES = 320;

// ---------------------------------------------------------------- worklet messages

export type PlaybackMessage = { type: 'pcm'; samples: Int16Array } | { type: 'reset' };
export interface PlaybackReport {
  type: 'stats';
  bufferedMs: number;
  underruns: number;
}
export interface CaptureFrame {
  type: 'frame';
  samples: Int16Array;
}
/** A recognizer frame from the voice worklet. */
export interface VoiceFrame {
  type: 'voice';
  /** VOICE_FRAME_SAMPLES mono samples at VOICE_RATE, -1..1. */
  samples: Float32Array;
  /** The AudioContext time just after the frame's last input sample (its currentTime + quantum). */
  endTime: number;
  /** The rate the worklet resampled from (the AudioContext's). */
  inputRate: number;
}

// ---------------------------------------------------------------- playback

export interface JitterBufferOptions {
  /** Start (and restart after running dry) once this much is buffered. */
  targetMs: number;
  /** Above this, drop the oldest audio back to the target: the host's clock and ours differ, and
   *  a call must not drift into seconds of delay. */
  maxMs: number;
}

/**
 * 8 kHz samples in, any output rate out (linear interpolation). Packets arrive in bursts over the
 * WebSocket; waiting for `targetMs` before playing rides those out at the cost of that much delay.
 */
export class JitterBuffer {
  private readonly ring = new Float32Array(PCM_RATE); // one second; far more than maxMs
  private readIndex = 0;
  private count = 0;
  /** Where between ring[readIndex] and the next sample the output is, 0..1. */
  private phase = 0;
  private playing = false;
  private readonly target: number;
  private readonly max: number;
  underruns = 0;

  constructor(options: JitterBufferOptions) {
    this.target = Math.round((options.targetMs * PCM_RATE) / 1000);
    this.max = Math.max(this.target + FRAME_SAMPLES, Math.round((options.maxMs * PCM_RATE) / 1000));
  }

  get bufferedMs(): number {
    return (this.count * 1000) / PCM_RATE;
  }

  push(samples: Int16Array): void {
    const cap = this.ring.length;
    for (const s of samples) {
      if (this.count === cap) this.drop(1);
      this.ring[(this.readIndex + this.count) % cap] = s / 32768;
      this.count++;
    }
    if (this.count > this.max) this.drop(this.count - this.target);
  }

  /** Fills `out` with audio at `outputRate`; silence while (re)buffering. */
  pull(out: Float32Array, outputRate: number): void {
    const step = PCM_RATE / outputRate;
    const cap = this.ring.length;
    for (let i = 0; i < out.length; i++) {
      if (!this.playing) {
        if (this.count < this.target) {
          out[i] = 0;
          continue;
        }
        this.playing = true;
      }
      if (this.count < 2) {
        this.playing = false;
        this.underruns++;
        out[i] = 0;
        continue;
      }
      const s0 = this.ring[this.readIndex]!;
      const s1 = this.ring[(this.readIndex + 1) % cap]!;
      out[i] = s0 + (s1 - s0) * this.phase;
      this.phase += step;
      while (this.phase >= 1) {
        this.phase -= 1;
        this.drop(1);
      }
    }
  }

  reset(): void {
    this.readIndex = 0;
    this.count = 0;
    this.phase = 0;
    this.playing = false;
  }

  private drop(n: number): void {
    const k = Math.min(n, this.count);
    this.readIndex = (this.readIndex + k) % this.ring.length;
    this.count -= k;
  }
}

// ---------------------------------------------------------------- capture

const HISTORY = 512; // input samples kept for the filter: > taps at any rate up to 192 kHz

export interface ResamplerOptions {
  outputRate: number;
  /** The low-pass cutoff, a little under half the output rate. */
  cutoffHz: number;
  frameSamples: number;
}

/**
 * The microphone (at the AudioContext's rate) down to `outputRate`, in frames of `frameSamples`
 * floats. A windowed-sinc low-pass comes first: plain decimation would fold everything above half
 * the output rate (hiss, sibilants) back into the band the listener or the recognizer uses.
 */
export class Resampler {
  private readonly taps: Float32Array;
  private readonly history = new Float32Array(HISTORY);
  private readonly ratio: number;
  /** Input samples seen so far. */
  private seen = 0;
  /** Input position (in samples since the start) of the next output sample. */
  private next = 0;
  private frame: Float32Array;
  private filled = 0;

  constructor(
    inputRate: number,
    private readonly o: ResamplerOptions,
    private readonly onFrame: (samples: Float32Array) => void,
  ) {
    this.ratio = inputRate / o.outputRate;
    this.taps = lowPass(o.cutoffHz / inputRate, Math.min(HISTORY - 8, Math.round(this.ratio * 8) | 1));
    this.frame = new Float32Array(o.frameSamples);
  }

  push(input: Float32Array): void {
    for (const x of input) {
      this.history[this.seen % HISTORY] = x;
      this.seen++;
      // Both neighbours of the output position must be filterable from samples already seen.
      while (Math.floor(this.next) + 1 < this.seen) {
        const i0 = Math.floor(this.next);
        const frac = this.next - i0;
        const a = this.filterAt(i0);
        this.frame[this.filled++] = a + (this.filterAt(i0 + 1) - a) * frac;
        if (this.filled === this.o.frameSamples) {
          this.onFrame(this.frame);
          this.frame = new Float32Array(this.o.frameSamples);
          this.filled = 0;
        }
        this.next += this.ratio;
      }
    }
  }

  private filterAt(index: number): number {
    let sum = 0;
    const taps = this.taps;
    for (let k = 0; k < taps.length; k++) {
      const at = index - k;
      if (at < 0) break; // before the first sample: silence
      sum += taps[k]! * this.history[at % HISTORY]!;
    }
    return sum;
  }
}

/** The microphone to 8 kHz Int16 frames of FRAME_SAMPLES for the call, low-passed at 3.6 kHz. */
export class Downsampler {
  private readonly resampler: Resampler;

  constructor(inputRate: number, onFrame: (samples: Int16Array) => void) {
    this.resampler = new Resampler(inputRate, { outputRate: PCM_RATE, cutoffHz: 3600, frameSamples: FRAME_SAMPLES }, (frame) =>
      onFrame(Int16Array.from(frame, (y) => Math.max(-32768, Math.min(32767, Math.round(y * 32768))))),
    );
  }

  push(input: Float32Array): void {
    this.resampler.push(input);
  }
}

/** The microphone to 16 kHz Float32 frames for the recognizer, low-passed at 7.2 kHz. */
export function voiceResampler(inputRate: number, onFrame: (samples: Float32Array) => void): Resampler {
  return new Resampler(inputRate, { outputRate: VOICE_RATE, cutoffHz: 7200, frameSamples: VOICE_FRAME_SAMPLES }, onFrame);
}

/** Blackman-windowed sinc low-pass, cutoff as a fraction of the sample rate, unity gain at DC. */
function lowPass(cutoff: number, length: number): Float32Array {
  const taps = new Float32Array(length);
  const middle = (length - 1) / 2;
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const x = n - middle;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (length - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (length - 1));
    taps[n] = sinc * window;
    sum += taps[n]!;
  }
  for (let n = 0; n < length; n++) taps[n] = taps[n]! / sum;
  return taps;
}
