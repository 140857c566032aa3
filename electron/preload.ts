// Runs in the sandboxed renderer before the screen: exposes the typed host bridge and nothing else
// (no ipcRenderer, no Node). Bundled to CommonJS because sandboxed preloads cannot load modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { HostBridge, HostEventName, ServerMessage } from './contract/index.js';
import { IPC_EVENT, IPC_MEDIA, IPC_REQUEST } from './contract/ipc.js';

type Response = Extract<ServerMessage, { kind: 'response' }>;

const bridge: HostBridge = {
  async request(method, params) {
    const response = (await ipcRenderer.invoke(IPC_REQUEST, method, params)) as Response;
    if (!response.ok) throw Object.assign(new Error(response.error.message), { code: response.error.code });
    return response.result as never;
  },
  on(event: HostEventName, listener) {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => void ipcRenderer.off(IPC_EVENT, handler);
  },
  media: {
    onFrame(listener) {
      const handler = (_e: IpcRendererEvent, frame: unknown): void => {
        if (frame instanceof ArrayBuffer) listener(frame);
        else if (frame instanceof Uint8Array) listener(frame.slice().buffer);
      };
      ipcRenderer.on(IPC_MEDIA, handler);
      return () => void ipcRenderer.off(IPC_MEDIA, handler);
    },
    send(frame) {
      ipcRenderer.send(IPC_MEDIA, frame);
    },
  },
};

contextBridge.exposeInMainWorld('lintel', bridge);
