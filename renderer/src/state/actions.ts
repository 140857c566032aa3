// A button that asks the host for something: it is disabled while its request is out (an elderly
// finger taps twice), and a refusal is shown as a toast in the host's own words.
import { reactive } from 'vue';
import { usePanelStore, type PanelStore } from './panel-store';
import { useToasts } from './toast';

export interface HostActions {
  /** Names of the actions whose request is still out. */
  readonly pending: ReadonlySet<string>;
  /** Runs `action` unless the same one is already running; resolves with undefined on failure. */
  run<T>(name: string, action: (store: PanelStore) => Promise<T>): Promise<T | undefined>;
}

export function useHostActions(): HostActions {
  const store = usePanelStore();
  const toasts = useToasts();
  const pending = reactive(new Set<string>());
  return {
    pending,
    async run(name, action) {
      if (pending.has(name)) return undefined;
      pending.add(name);
      try {
        return await action(store);
      } catch (error) {
        toasts.showError(error);
        return undefined;
      } finally {
        pending.delete(name);
      }
    },
  };
}
