// The media side of the call the host reports: routes the media channel's frames (only those of the
// current call's mediaTag; anything else is stale; the panel's own speech goes to the voice), and
// decides from PanelState.call alone what
// sounds: the ringtone while a call rings, the far end once answered, the microphone only in an
// answered call that is not a monitor. Lives for the page, not for a view: switching views must
// not cut the sound. A reloaded page lands in the same place because the host's state decides.
import { decodeMediaFrame, encodeMediaFrame, MediaFrameError, SNAPSHOT_MAX_CHARS, type Call, type PcmFrameMessage, type VideoFrameMessage } from '@contract';
import { inject, ref, watch, type InjectionKey, type Ref } from 'vue';
import { HostRequestError, type ScreenBridge } from '../host';
import type { PanelStore } from '../state/panel-store';
import type { CallAudio } from './call-audio';

export interface CallMedia {
  /** 0..1, remembered across reloads. */
  readonly volume: Readonly<Ref<number>>;
  setVolume(level: number): void;
  /** Video frames of the call with this mediaTag; returns an unsubscribe function. */
  onVideo(mediaTag: number, listener: (frame: VideoFrameMessage) => void): () => void;
  /** The panel's own speech ('speech' frames, whatever the call); returns an unsubscribe function. */
  onSpeech(listener: (frame: PcmFrameMessage) => void): () => void;
  /** Store a still of the door's picture with the call, once per call (reloads included). */
  snapshot(callId: string, canvas: HTMLCanvasElement): void;
}

export const callMediaKey: InjectionKey<CallMedia> = Symbol('call-media');

export function useCallMedia(): CallMedia {
  const media = inject(callMediaKey);
  if (!media) throw new Error('useCallMedia() outside the app: provide callMediaKey first');
  return media;
}

/** What should sound for this call. */
export function soundPlan(call: Call | null): { ring: boolean; hear: boolean; talk: boolean } {
  if (!call || call.state === 'ended') return { ring: false, hear: false, talk: false };
  return {
    // The door's early audio is not played while it rings: the resident hears the chime, and
    // the street only once they choose to answer.
    ring: call.direction === 'incoming' && (call.state === 'ringing' || call.state === 'early'),
    // Calling out, the far end's early media is its ringback: let it through.
    hear: call.state === 'active' || (call.direction === 'outgoing' && call.state === 'calling'),
    talk: call.state === 'active' && call.kind !== 'monitor',
  };
}

const VOLUME_KEY = 'lintel.volume';
const SNAPSHOTS_KEY = 'lintel.snapshotsSent';
const SNAPSHOT_MAX_WIDTH = 640;

export function createCallMedia(bridge: ScreenBridge, store: PanelStore, audio: CallAudio): CallMedia {
  const volume = ref(readVolume());
  audio.setVolume(volume.value);
  const videoListeners = new Set<{ mediaTag: number; listener: (frame: VideoFrameMessage) => void }>();
  const speechListeners = new Set<(frame: PcmFrameMessage) => void>();
  let call: Call | null = null;
  let plan = soundPlan(null);
  const snapshotsSent = new Set<string>(readList(SNAPSHOTS_KEY));

  bridge.media.onFrame((buffer) => {
    let frame;
    try {
      frame = decodeMediaFrame(buffer);
    } catch (error) {
      if (error instanceof MediaFrameError) console.warn('dropped a malformed media frame', error.message);
      return;
    }
    // Speech is tagged with the utterance, not the call (the panel speaks without one too).
    if (frame.kind === 'speech') {
      for (const listener of speechListeners) listener(frame);
      return;
    }
    if (!call || frame.mediaTag !== call.mediaTag) return;
    if (frame.kind === 'video') {
      for (const v of videoListeners) if (v.mediaTag === frame.mediaTag) v.listener(frame);
    } else if (frame.kind === 'audio' && plan.hear) {
      audio.play(frame.samples);
    }
  });

  watch(
    () => store.state.value?.call ?? null,
    (next) => {
      const previousTag = call?.mediaTag;
      call = next;
      const nextPlan = soundPlan(next);
      if (next?.mediaTag !== previousTag || (plan.hear && !nextPlan.hear)) audio.resetPlayback();
      plan = nextPlan;
      if (plan.ring) audio.startRingtone();
      else audio.stopRingtone();
      if (plan.talk && next) {
        const mediaTag = next.mediaTag;
        // Muting is the host's job (it sends silence while Call.muted), so frames keep flowing and
        // the door's jitter buffer never starves.
        audio.startMicrophone((samples) => bridge.media.send(encodeMediaFrame({ kind: 'microphone', mediaTag, timestamp: 0, receivedAt: 0, samples })));
      } else {
        audio.stopMicrophone();
      }
    },
    { immediate: true },
  );

  return {
    volume,
    setVolume(level) {
      volume.value = Math.max(0, Math.min(1, Math.round(level * 100) / 100));
      audio.setVolume(volume.value);
      localStorage.setItem(VOLUME_KEY, String(volume.value));
    },
    onVideo(mediaTag, listener) {
      const entry = { mediaTag, listener };
      videoListeners.add(entry);
      return () => videoListeners.delete(entry);
    },
    onSpeech(listener) {
      speechListeners.add(listener);
      return () => speechListeners.delete(listener);
    },
    snapshot(callId, canvas) {
      if (snapshotsSent.has(callId)) return;
      const image = jpegOf(canvas);
      if (!image) return;
      snapshotsSent.add(callId);
      // A handful of recent calls is all a reload can come back to.
      localStorage.setItem(SNAPSHOTS_KEY, JSON.stringify([...snapshotsSent].slice(-20)));
      bridge.request('call.snapshot', { callId, image }).catch((error: unknown) => {
        console.warn('snapshot not stored', error);
        // Only a lost connection is worth another try (from a later frame); a refusal is final.
        if (error instanceof HostRequestError && error.code === 'disconnected') snapshotsSent.delete(callId);
      });
    },
  };
}

/** The canvas as a JPEG data URL at most SNAPSHOT_MAX_WIDTH wide and within the host's limit. */
function jpegOf(source: HTMLCanvasElement): string | null {
  if (source.width === 0 || source.height === 0) return null;
  const scale = Math.min(1, SNAPSHOT_MAX_WIDTH / source.width);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(source.width * scale);
  canvas.height = Math.round(source.height * scale);
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  for (const quality of [0.7, 0.5, 0.3]) {
    const image = canvas.toDataURL('image/jpeg', quality);
    if (image.length <= SNAPSHOT_MAX_CHARS) return image;
  }
  return null;
}

function readVolume(): number {
  const stored = Number(localStorage.getItem(VOLUME_KEY));
  return localStorage.getItem(VOLUME_KEY) !== null && Number.isFinite(stored) ? Math.max(0, Math.min(1, stored)) : 0.8;
}

function readList(key: string): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
