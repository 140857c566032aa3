// The call screen's pure media code: the codec string WebCodecs is configured with, the playback
// jitter buffer (8 kHz in, the AudioContext's rate out), the microphone's way down to 8 kHz for the
// call and to 16 kHz for the recognizer.
import { describe, expect, it } from 'vitest';
import { codecOf } from '../../renderer/src/media/h264.js';
import { Downsampler, FRAME_SAMPLES, JitterBuffer, PCM_RATE, VOICE_FRAME_SAMPLES, VOICE_RATE, voiceResampler } from '../../renderer/src/media/pcm.js';

describe('codecOf', () => {
  it('reads avc1.PPCCLL from the SPS of an Annex-B key unit, with either start code', () => {
    const unit = Uint8Array.from([0, 0, 0, 1, 0x67, 0x42, 0xe0, 0x1e, 0xab, 0, 0, 1, 0x68, 0xce, 0x38, 0x80, 0, 0, 0, 1, 0x65, 0x88]);
    expect(codecOf(unit)).toBe('avc1.42E01E');
    expect(codecOf(Uint8Array.from([0, 0, 1, 0x27, 0x64, 0x00, 0x1f, 0x01]))).toBe('avc1.64001F');
  });

  it('is null without an SPS or with a truncated one', () => {
    expect(codecOf(Uint8Array.from([0, 0, 0, 1, 0x41, 0x9a, 0x02]))).toBeNull();
    expect(codecOf(Uint8Array.from([0, 0, 1, 0x67, 0x42]))).toBeNull();
  });
});

function tone(freq: number, rate: number, n: number, amplitude: number, start = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * (start + i)) / rate));
}

function pcm(freq: number, n: number, start = 0): Int16Array {
  return Int16Array.from(tone(freq, PCM_RATE, n, 0.5, start), (x) => Math.round(x * 32767));
}

function rms(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]! * xs[i]!;
  return Math.sqrt(sum / xs.length);
}

function zeroCrossings(xs: ArrayLike<number>): number {
  let n = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i - 1]! < 0) !== (xs[i]! < 0)) n++;
  return n;
}

describe('JitterBuffer', () => {
  it('stays silent until the target is buffered, then plays the tone at the output rate', () => {
    const buffer = new JitterBuffer({ targetMs: 80, maxMs: 200 });
    const out = new Float32Array(128);
    buffer.push(pcm(400, 480)); // 60 ms: below the target
    buffer.pull(out, 48_000);
    expect(rms(out)).toBe(0);
    buffer.push(pcm(400, 320, 480)); // 100 ms in all
    const second = new Float32Array(48_000 / 20); // 50 ms at 48 kHz
    buffer.pull(second, 48_000);
    expect(rms(second)).toBeGreaterThan(0.3);
    // 400 Hz over 50 ms: 20 periods, 40 zero crossings.
    expect(Math.abs(zeroCrossings(second) - 40)).toBeLessThanOrEqual(1);
    expect(buffer.bufferedMs).toBeCloseTo(50, 0);
  });

  it('counts an underrun when it runs dry and waits for the target again', () => {
    const buffer = new JitterBuffer({ targetMs: 60, maxMs: 200 });
    buffer.push(pcm(400, 480));
    const out = new Float32Array(48_000 / 10); // 100 ms asked, 60 ms there
    buffer.pull(out, 48_000);
    expect(buffer.underruns).toBe(1);
    buffer.push(pcm(400, 160)); // 20 ms: not enough to restart
    const quiet = new Float32Array(128);
    buffer.pull(quiet, 48_000);
    expect(rms(quiet)).toBe(0);
  });

  it('drops the oldest audio back to the target when the far end runs ahead', () => {
    const buffer = new JitterBuffer({ targetMs: 80, maxMs: 200 });
    for (let i = 0; i < 15; i++) buffer.push(pcm(400, 160, i * 160)); // 300 ms arrive at once
    expect(buffer.bufferedMs).toBeLessThanOrEqual(200);
    expect(buffer.bufferedMs).toBeGreaterThanOrEqual(80);
  });
});

describe('Downsampler', () => {
  it('turns 48 kHz into 20 ms frames of 8 kHz Int16 with the voice band intact', () => {
    const frames: Int16Array[] = [];
    const down = new Downsampler(48_000, (f) => frames.push(f));
    for (let i = 0; i < 50; i++) down.push(tone(1000, 48_000, 960, 0.5, i * 960)); // 1 s in 20 ms blocks
    expect(frames.length).toBeGreaterThanOrEqual(49);
    expect(frames.every((f) => f.length === FRAME_SAMPLES)).toBe(true);
    const steady = Int16Array.from(frames.slice(5, 45).flatMap((f) => [...f]));
    expect(rms(steady) / 32768).toBeCloseTo(0.5 / Math.SQRT2, 1);
    // 1 kHz over 0.8 s: 800 periods, 1600 zero crossings.
    expect(Math.abs(zeroCrossings(steady) - 1600)).toBeLessThanOrEqual(4);
  });

  it('filters out what lies above 4 kHz instead of folding it into the voice band', () => {
    const frames: Int16Array[] = [];
    const down = new Downsampler(44_100, (f) => frames.push(f));
    for (let i = 0; i < 20; i++) down.push(tone(6000, 44_100, 2205, 0.5, i * 2205));
    const steady = Int16Array.from(frames.slice(5).flatMap((f) => [...f]));
    // Plain decimation would leave a 2 kHz alias at full level (0.35 RMS).
    expect(rms(steady) / 32768).toBeLessThan(0.01);
  });
});

describe('voiceResampler', () => {
  it.each([48_000, 44_100])('turns %i Hz into 20 ms frames of 16 kHz floats, a 3 kHz tone intact', (rate) => {
    const frames: Float32Array[] = [];
    const resampler = voiceResampler(rate, (f) => frames.push(f));
    const block = rate / 50;
    for (let i = 0; i < 50; i++) resampler.push(tone(3000, rate, block, 0.5, i * block)); // 1 s
    expect(frames.length).toBeGreaterThanOrEqual(49);
    expect(frames.length).toBeLessThanOrEqual(50);
    expect(frames.every((f) => f.length === VOICE_FRAME_SAMPLES)).toBe(true);
    const steady = Float32Array.from(frames.slice(5, 45).flatMap((f) => [...f]));
    expect(rms(steady)).toBeCloseTo(0.5 / Math.SQRT2, 1);
    // 3 kHz over 0.8 s at 16 kHz: 2400 periods, 4800 zero crossings.
    expect(steady.length).toBe(0.8 * VOICE_RATE);
    expect(Math.abs(zeroCrossings(steady) - 4800)).toBeLessThanOrEqual(4);
  });

  it('filters out what lies above 8 kHz instead of folding it into the speech band', () => {
    const frames: Float32Array[] = [];
    const resampler = voiceResampler(48_000, (f) => frames.push(f));
    for (let i = 0; i < 20; i++) resampler.push(tone(12_000, 48_000, 2400, 0.5, i * 2400));
    const steady = Float32Array.from(frames.slice(5).flatMap((f) => [...f]));
    // Plain decimation would leave a 4 kHz alias at full level (0.35 RMS).
    expect(rms(steady)).toBeLessThan(0.01);
  });
});
