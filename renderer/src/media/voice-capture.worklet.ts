// The microphone for the speech recognizer: after Chromium's echo cancellation, noise suppression
// and gain control, brought down to 16 kHz mono Float32 frames of 20 ms and posted to the page.
// Each frame carries the context time just after its last sample, so the page can tell how long
// the frame took to reach the recognizer (the worklet scope has no performance.now()).
// Bundled on its own by Vite (?worker&url) so it loads from 'self' under the screen's CSP.
import { voiceResampler, type VoiceFrame } from './pcm';
import { VOICE_CAPTURE_PROCESSOR, worklet } from './worklet-scope';

class VoiceCaptureProcessor extends worklet.AudioWorkletProcessor {
  /** The context time after the quantum being processed; read by the resampler's callback. */
  private quantumEnd = 0;
  private readonly resampler = voiceResampler(worklet.sampleRate, (samples) => {
    const frame: VoiceFrame = { type: 'voice', samples, endTime: this.quantumEnd, inputRate: worklet.sampleRate };
    this.port.postMessage(frame, [samples.buffer]);
  });

  process(inputs: Float32Array[][]): boolean {
    // A mono microphone: the first channel is the voice (a stereo device repeats it).
    const mono = inputs[0]?.[0];
    if (mono) {
      this.quantumEnd = worklet.currentTime + mono.length / worklet.sampleRate;
      this.resampler.push(mono);
    }
    return true;
  }
}

worklet.registerProcessor(VOICE_CAPTURE_PROCESSOR, VoiceCaptureProcessor);
