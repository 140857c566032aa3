// Pictures in a list (who rang, who opened the door) are fetched from the host one at a time after
// the list is on screen: the rows are readable at once and the pictures fill in, without a burst
// of large replies on the host's socket.
import { ref, type Ref } from 'vue';

export interface Pictures {
  /** Data URLs by id as they arrive; null: the host has none after all. */
  readonly images: Readonly<Ref<Readonly<Record<string, string | null>>>>;
  /** Fetches each id in order (stops early if the list is left). */
  load(ids: readonly string[], fetch: (id: string) => Promise<string | null | undefined>): Promise<void>;
  stop(): void;
}

export function usePictures(): Pictures {
  const images = ref<Record<string, string | null>>({});
  let generation = 0;
  return {
    images,
    async load(ids, fetch) {
      const mine = ++generation;
      for (const id of ids) {
        const image = await fetch(id);
        if (mine !== generation) return;
        images.value = { ...images.value, [id]: image ?? null };
      }
    },
    stop() {
      generation++;
    },
  };
}
