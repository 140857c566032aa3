import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** The window's inner size, reactive; for layout decisions CSS alone cannot make (canvas size). */
export function useViewport(): { width: Ref<number>; height: Ref<number> } {
  const width = ref(window.innerWidth);
  const height = ref(window.innerHeight);
  const update = (): void => {
    width.value = window.innerWidth;
    height.value = window.innerHeight;
  };
  onMounted(() => window.addEventListener('resize', update));
  onBeforeUnmount(() => window.removeEventListener('resize', update));
  return { width, height };
}
