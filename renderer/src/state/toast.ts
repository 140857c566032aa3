// One short message at a time over whatever view is showing: a request the host refused
// ('未配置物业中心号码…'), a button that could not do its job. The newest message wins; it goes
// away by itself or when tapped.
import { inject, readonly, ref, type InjectionKey, type Ref } from 'vue';
import { errorMessage } from './format';

export interface Toast {
  id: number;
  message: string;
}

export interface Toasts {
  readonly current: Readonly<Ref<Toast | null>>;
  show(message: string): void;
  /** Shows the error's message (the host's Chinese text for a refused request). */
  showError(error: unknown): void;
  dismiss(): void;
}

export const toastsKey: InjectionKey<Toasts> = Symbol('toasts');

export function useToasts(): Toasts {
  const toasts = inject(toastsKey);
  if (!toasts) throw new Error('useToasts() outside the app: provide toastsKey first');
  return toasts;
}

// Long enough for an elderly resident to read two lines from across the room.
const SHOW_MS = 6000;

export function createToasts(): Toasts {
  const current = ref<Toast | null>(null);
  let nextId = 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const dismiss = (): void => {
    clearTimeout(timer);
    current.value = null;
  };
  const show = (message: string): void => {
    clearTimeout(timer);
    current.value = { id: nextId++, message };
    timer = setTimeout(dismiss, SHOW_MS);
  };
  return {
    current: readonly(current),
    show,
    showError: (error) => show(errorMessage(error)),
    dismiss,
  };
}
