// The microphone, after Chromium's echo cancellation and noise suppression, brought down to 8 kHz
// Int16 frames of 20 ms and posted to the page, which sends them to the host. Bundled on its own
// by Vite (?worker&url) so it loads from 'self' under the screen's CSP.
import { Downsampler, type CaptureFrame } from './pcm';
import { CAPTURE_PROCESSOR, worklet } from './worklet-scope';

class CaptureProcessor extends worklet.AudioWorkletProcessor {
  private readonly downsampler = new Downsampler(worklet.sampleRate, (samples) => {
    const frame: CaptureFrame = { type: 'frame', samples };
    this.port.postMessage(frame, [samples.buffer]);
  });

  process(inputs: Float32Array[][]): boolean {
    // A mono microphone: the first channel is the voice (a stereo device repeats it).
    const mono = inputs[0]?.[0];
    if (mono) this.downsampler.push(mono);
    return true;
  }
}

worklet.registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
