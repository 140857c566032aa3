import {
  hostEvents,
  hostRequests,
  isHostEventName,
  serverMessageSchema,
  type ClientMessage,
  type HostEventName,
  type HostRequestName,
  type HostRequestResult,
} from '@contract';
import { mediaSocket } from './media-socket';
import { HostRequestError, type ScreenBridge } from './screen-bridge';


export interface WsBridgeOptions {
  url: string;
  /** The media channel's WebSocket (binary frames). */
  mediaUrl: string;
  /** A request the host never answers must not leave a button spinning forever. */
  requestTimeoutMs?: number;
  initialRetryMs?: number;
  maxRetryMs?: number;
}

interface Pending {
  method: HostRequestName;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The host API over the local WebSocket (plain Chromium, tests). The host may restart at any
 * time, so the socket reconnects by itself with capped exponential backoff; callers learn
 * about it through onConnectionChange and re-fetch what they mirror.
 */
export function wsBridge(options: WsBridgeOptions): ScreenBridge {
  const requestTimeoutMs = options.requestTimeoutMs ?? 45_000;
  const initialRetryMs = options.initialRetryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5_000;

  let socket: WebSocket | null = null;
  let connected = false;
  let nextId = 1;
  let retryMs = initialRetryMs;
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<HostEventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) {
      try {
        listener(value);
      } catch (error) {
        console.error('connection listener failed', error);
      }
    }
  }

  function rejectAll(error: HostRequestError): void {
    for (const [id, request] of pending) {
      clearTimeout(request.timer);
      pending.delete(id);
      request.reject(error);
    }
  }

  function scheduleReconnect(): void {
    // Jitter keeps several screens from hammering a restarting host in lockstep.
    const delay = retryMs * (0.8 + Math.random() * 0.4);
    retryMs = Math.min(retryMs * 2, maxRetryMs);
    setTimeout(open, delay);
  }

  function open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url);
    } catch (error) {
      console.error('cannot open host socket', error);
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      retryMs = initialRetryMs;
      setConnected(true);
    };
    ws.onmessage = (message) => {
      if (typeof message.data === 'string') handleText(message.data);
    };
    // 'error' is always followed by 'close'; reconnecting is handled there.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setConnected(false);
      rejectAll(new HostRequestError('disconnected', '与主机的连接已断开'));
      scheduleReconnect();
    };
  }

  function handleText(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      console.warn('host sent a frame that is not JSON');
      return;
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) {
      console.warn('host sent an unknown message', parsed.error);
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      dispatchEvent(message.name, message.payload);
      return;
    }
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    clearTimeout(request.timer);
    if (!message.ok) {
      request.reject(new HostRequestError(message.error.code, message.error.message));
      return;
    }
    const result = hostRequests[request.method].result.safeParse(message.result);
    if (result.success) request.resolve(result.data);
    else request.reject(new HostRequestError('bad-reply', `主机对 ${request.method} 的回复格式不对`));
  }

  function dispatchEvent(name: string, payload: unknown): void {
    if (!isHostEventName(name)) return;
    const parsed = hostEvents[name].safeParse(payload);
    if (!parsed.success) {
      console.warn(`host sent a malformed ${name} event`, parsed.error);
      return;
    }
    for (const listener of eventListeners.get(name) ?? []) {
      try {
        listener(parsed.data);
      } catch (error) {
        console.error(`${name} listener failed`, error);
      }
    }
  }

  open();
  const media = mediaSocket(options.mediaUrl);

  return {
    media,
    get connected() {
      return connected;
    },
    request<K extends HostRequestName>(method: K, params: unknown): Promise<HostRequestResult<K>> {
      return new Promise<HostRequestResult<K>>((resolve, reject) => {
        if (!socket || !connected) {
          reject(new HostRequestError('disconnected', '未连接主机'));
          return;
        }
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new HostRequestError('timeout', '主机没有响应'));
        }, requestTimeoutMs);
        pending.set(id, {
          method,
          // The result was validated against hostRequests[method].result before resolving.
          resolve: (result) => resolve(result as HostRequestResult<K>),
          reject,
          timer,
        });
        const frame: ClientMessage = { kind: 'request', id, method, params };
        socket.send(JSON.stringify(frame));
      });
    },
    on(event, listener) {
      let listeners = eventListeners.get(event);
      if (!listeners) {
        listeners = new Set();
        eventListeners.set(event, listeners);
      }
      // Payloads are validated against hostEvents[event] in dispatchEvent.
      const untyped = listener as (payload: unknown) => void;
      listeners.add(untyped);
      return () => listeners.delete(untyped);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
