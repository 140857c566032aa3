// The AudioWorkletGlobalScope as the worklets use it. TypeScript ships no lib for it, and declaring
// its globals (sampleRate, registerProcessor…) for the whole renderer would let window code use
// them by mistake, so each worklet reads them from globalThis through this one typed view.

export interface ProcessorBase {
  readonly port: MessagePort;
}

export interface WorkletScope {
  readonly sampleRate: number;
  /** The AudioContext time of the quantum being processed (seconds). */
  readonly currentTime: number;
  readonly AudioWorkletProcessor: new () => ProcessorBase;
  registerProcessor(name: string, processor: new () => ProcessorBase & { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean }): void;
}

export const worklet = globalThis as unknown as WorkletScope;

/** Processor names, shared by the worklets (which register them) and the page (which creates nodes). */
export const PLAYBACK_PROCESSOR = 'lintel-playback';
export const CAPTURE_PROCESSOR = 'lintel-capture';
export const VOICE_CAPTURE_PROCESSOR = 'lintel-voice-capture';
