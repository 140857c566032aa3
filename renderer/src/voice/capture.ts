// The recognizer's ear: the voice worklet on the page's shared microphone (media/microphone.ts),
// handing 16 kHz mono Float32 frames of 20 ms to `onFrame` and measuring what it hands over
// (rate, count, energy, and how long each frame took from the worklet to here).
import { workletTap, type MicrophoneTap } from '../media/microphone';
import { VOICE_RATE, type VoiceFrame } from '../media/pcm';
import { VOICE_CAPTURE_PROCESSOR } from '../media/worklet-scope';
import { CAPTURE_LATENCY_SAMPLES, voiceStats } from './stats';

/** Frames in the `rms` window: one second. */
const RMS_WINDOW_FRAMES = 50;

export function voiceCaptureTap(onFrame: (samples: Float32Array) => void): MicrophoneTap {
  const stats = voiceStats.capture;
  const window: number[] = []; // mean squares of the last frames
  let sumSquaresAll = 0;

  function deliver(frame: VoiceFrame, context: BaseAudioContext): void {
    const { samples } = frame;
    let sumSquares = 0;
    for (const x of samples) sumSquares += x * x;
    window.push(sumSquares / samples.length);
    if (window.length > RMS_WINDOW_FRAMES) window.shift();
    sumSquaresAll += sumSquares;
    onFrame(samples);
    // Measured once the recognizer has the frame: the context's clock has moved on by however long
    // the frame waited for the page's main thread.
    const latency = Math.max(0, (context.currentTime - frame.endTime) * 1000);
    const now = Date.now();
    stats.sampleRate = VOICE_RATE;
    stats.inputRate = frame.inputRate;
    stats.framesDelivered++;
    stats.samplesDelivered += samples.length;
    stats.firstFrameAt ??= now;
    stats.lastFrameAt = now;
    stats.rms = Math.sqrt(window.reduce((a, b) => a + b, 0) / window.length);
    stats.rmsAll = Math.sqrt(sumSquaresAll / stats.samplesDelivered);
    stats.latencyMs.push(Math.round(latency * 10) / 10);
    if (stats.latencyMs.length > CAPTURE_LATENCY_SAMPLES) stats.latencyMs.shift();
  }

  return workletTap<VoiceFrame>(VOICE_CAPTURE_PROCESSOR, deliver, (active) => (stats.active = active));
}
