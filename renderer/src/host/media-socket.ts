import type { MediaBridge } from '@contract';

/**
 * The media channel over its own WebSocket (binary frames, contract/media.ts), kept apart from
 * the request socket so a burst of video never delays a button press. Reconnects by itself; the
 * host asks the door for a key frame whenever a screen (re)subscribes.
 */
export function mediaSocket(url: string): MediaBridge {
  const listeners = new Set<(frame: ArrayBuffer) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 250;

  function open(): void {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
    };
    ws.onmessage = (message) => {
      if (!(message.data instanceof ArrayBuffer)) return;
      for (const listener of listeners) {
        try {
          listener(message.data);
        } catch (error) {
          console.error('media listener failed', error);
        }
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setTimeout(open, retryMs * (0.8 + Math.random() * 0.4));
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  open();
  return {
    onFrame(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(frame) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
    },
  };
}
