import type { HostRequestName, HostRequestParams, HostRequestResult, PanelState } from '@contract';
import { inject, readonly, ref, shallowRef, type InjectionKey, type Ref } from 'vue';
import type { ScreenBridge } from '../host';

export interface PanelStore {
  /** The host's PanelState; null until the first one arrives. */
  readonly state: Readonly<Ref<PanelState | null>>;
  readonly connected: Readonly<Ref<boolean>>;
  /** The host's clock as best the screen knows it (epoch ms), ticking once a second. */
  readonly hostNow: Readonly<Ref<number>>;
  renewQr(): Promise<void>;
  unbind(): Promise<void>;
  /** Any contract request (the call buttons, the history); rejects with the host's message. */
  request<K extends HostRequestName>(method: K, params: HostRequestParams<K>): Promise<HostRequestResult<K>>;
}

export const panelStoreKey: InjectionKey<PanelStore> = Symbol('panel-store');

export function usePanelStore(): PanelStore {
  const store = inject(panelStoreKey);
  if (!store) throw new Error('usePanelStore() outside the app: provide panelStoreKey first');
  return store;
}

const REFETCH_AFTER_FAILURE_MS = 2_000;

/**
 * Mirrors the host's PanelState. The host is the source of truth and pushes `state` events;
 * `state.get` is only needed at start and after every reconnect, because events sent while
 * the socket was down are lost.
 */
export function createPanelStore(bridge: ScreenBridge): PanelStore {
  const state = shallowRef<PanelState | null>(null);
  const connected = ref(bridge.connected);
  // Countdowns are against the host's clock (expiresAt, retryAt come from it); the panel's
  // own clock may be off, so keep the difference and apply it.
  let clockOffsetMs = 0;
  const hostNow = ref(Date.now());
  // A state.get reply can arrive after a newer pushed event; never go back in time. Reset on
  // reconnect, since a restarted host's clock is the only one that counts.
  let newestHostTime = Number.NEGATIVE_INFINITY;
  let fetchGeneration = 0;

  function apply(next: PanelState): void {
    if (next.hostTime < newestHostTime) return;
    newestHostTime = next.hostTime;
    clockOffsetMs = next.hostTime - Date.now();
    hostNow.value = Date.now() + clockOffsetMs;
    state.value = next;
  }

  function tick(): void {
    hostNow.value = Date.now() + clockOffsetMs;
    // Land on the host's second boundary so clocks and countdowns change together.
    setTimeout(tick, 1000 - (hostNow.value % 1000) + 5);
  }
  tick();

  async function fetchState(): Promise<void> {
    const generation = ++fetchGeneration;
    try {
      apply(await bridge.request('state.get', {}));
    } catch (error) {
      console.warn('state.get failed', error);
      // A disconnect starts its own fetch on reconnect; only retry while still connected.
      setTimeout(() => {
        if (generation === fetchGeneration && bridge.connected) void fetchState();
      }, REFETCH_AFTER_FAILURE_MS);
    }
  }

  bridge.on('state', apply);
  bridge.onConnectionChange((isConnected) => {
    connected.value = isConnected;
    if (isConnected) {
      newestHostTime = Number.NEGATIVE_INFINITY;
      void fetchState();
    }
  });
  if (bridge.connected) void fetchState();

  return {
    state: readonly(state) as Readonly<Ref<PanelState | null>>,
    connected: readonly(connected),
    hostNow: readonly(hostNow),
    async renewQr() {
      await bridge.request('binding.renewQr', {});
    },
    async unbind() {
      await bridge.request('binding.unbind', {});
    },
    request: (method, params) => bridge.request(method, params),
  };
}
