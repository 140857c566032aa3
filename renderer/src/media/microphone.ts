// One microphone for the page, shared by whoever listens: the call (8 kHz to the door, while
// talking) and the speech recognizer (16 kHz, always while the panel is bound). Opening it twice
// would run Chromium's echo canceller twice on two captures of the same device, and on some
// panels the second getUserMedia fails outright; one stream with one source node avoids both.
// The microphone opens with its first listener and closes (tracks stopped, indicator off) with its
// last one.

/** Someone listening: handed the source node while the microphone is open. */
export interface MicrophoneTap {
  attach(source: MediaStreamAudioSourceNode): void;
  detach(): void;
}

// Chromium's voice processing: the panel's loudspeaker is an arm's length from its microphone, so
// without echo cancellation the door would hear itself and the recognizer would hear the panel.
const MIC_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
  video: false,
};

/** A device that failed or went away is tried again this often while someone still listens. */
const RETRY_MS = 5000;

export class SharedMicrophone {
  private readonly taps = new Set<MicrophoneTap>();
  private current: { stream: MediaStream; source: MediaStreamAudioSourceNode } | null = null;
  private opening = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly context: () => Promise<AudioContext>,
    /** Told the error of every failed attempt, and null once the microphone is open. */
    private readonly onError: (error: string | null) => void,
  ) {}

  get isOpen(): boolean {
    return this.current !== null;
  }

  add(tap: MicrophoneTap): void {
    if (this.taps.has(tap)) return;
    this.taps.add(tap);
    if (this.current) tap.attach(this.current.source);
    else void this.open();
  }

  remove(tap: MicrophoneTap): void {
    if (!this.taps.delete(tap)) return;
    if (this.current) tap.detach();
    if (this.taps.size === 0) this.close();
  }

  private async open(): Promise<void> {
    if (this.opening || this.current) return;
    this.opening = true;
    clearTimeout(this.retry);
    try {
      const context = await this.context();
      const stream = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
      // Everyone may have left while the permission or the device was pending.
      if (this.taps.size === 0) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      const source = context.createMediaStreamSource(stream);
      this.current = { stream, source };
      for (const track of stream.getAudioTracks()) track.addEventListener('ended', () => this.lost(stream), { once: true });
      this.onError(null);
      for (const tap of this.taps) tap.attach(source);
    } catch (error) {
      this.onError(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      console.error('microphone unavailable', error);
      this.scheduleRetry();
    } finally {
      this.opening = false;
    }
  }

  /** The device went away (unplugged, taken by the system): drop it and try again later. */
  private lost(stream: MediaStream): void {
    if (this.current?.stream !== stream) return;
    for (const tap of this.taps) tap.detach();
    this.release();
    this.onError('the microphone went away');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.taps.size > 0) void this.open();
    }, RETRY_MS);
  }

  private close(): void {
    clearTimeout(this.retry);
    this.release();
  }

  private release(): void {
    const current = this.current;
    this.current = null;
    if (!current) return;
    current.source.disconnect();
    // Stopping the tracks turns the microphone off for real (and its indicator, where there is one).
    for (const track of current.stream.getTracks()) track.stop();
  }
}

/**
 * A tap that runs an AudioWorklet processor on the microphone and hands its messages on. A node
 * nobody pulls from is never processed, so it feeds the destination; its output is silence, so
 * that is inaudible.
 */
export function workletTap<M>(processor: string, onMessage: (message: M, context: BaseAudioContext) => void, onActive: (active: boolean) => void): MicrophoneTap {
  let attached: { source: MediaStreamAudioSourceNode; node: AudioWorkletNode } | null = null;
  return {
    attach(source) {
      const node = new AudioWorkletNode(source.context, processor, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      node.port.onmessage = (event: MessageEvent<M>) => onMessage(event.data, source.context);
      source.connect(node);
      node.connect(source.context.destination);
      attached = { source, node };
      onActive(true);
    },
    detach() {
      onActive(false);
      if (!attached) return;
      // The source stays, for the other taps.
      attached.node.port.onmessage = null;
      attached.source.disconnect(attached.node);
      attached.node.disconnect();
      attached = null;
    },
  };
}
