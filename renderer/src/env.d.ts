/// <reference types="vite/client" />
import type { HostBridge } from '@contract';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent when served to a plain Chromium. */
    readonly lintel?: HostBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
