// Plays the far end's 8 kHz PCM at the AudioContext's rate through a small jitter buffer. Runs in
// the AudioWorkletGlobalScope, bundled on its own by Vite (?worker&url) so it loads from 'self'
// under the screen's CSP.
import { JitterBuffer, type PlaybackMessage, type PlaybackReport } from './pcm';
import { PLAYBACK_PROCESSOR, worklet } from './worklet-scope';

// 80 ms absorbs the bursts of a WebSocket hop on a loaded panel; 200 ms is where delay starts to
// make people talk over each other, so anything beyond is dropped.
const TARGET_MS = 80;
const MAX_MS = 200;
const REPORT_EVERY = Math.round(worklet.sampleRate / 128); // about once a second

class PlaybackProcessor extends worklet.AudioWorkletProcessor {
  private readonly buffer = new JitterBuffer({ targetMs: TARGET_MS, maxMs: MAX_MS });
  private quanta = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<PlaybackMessage>) => {
      if (event.data.type === 'pcm') this.buffer.push(event.data.samples);
      else this.buffer.reset();
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0] ?? [];
    const first = channels[0];
    if (first) {
      this.buffer.pull(first, worklet.sampleRate);
      for (let c = 1; c < channels.length; c++) channels[c]!.set(first);
    }
    if (++this.quanta % REPORT_EVERY === 0) {
      const report: PlaybackReport = { type: 'stats', bufferedMs: this.buffer.bufferedMs, underruns: this.buffer.underruns };
      this.port.postMessage(report);
    }
    return true;
  }
}

worklet.registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
