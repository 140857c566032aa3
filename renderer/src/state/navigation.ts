// Which page the panel shows when no call covers it. App.vue provides it; the pages and overlays
// that send the resident elsewhere (a notice alert's 播放 opens the notice, a shortcut opens 门禁)
// use it without passing events up through every parent.
import { inject, provide, readonly, ref, type InjectionKey, type Ref } from 'vue';

export type Page = 'home' | 'settings' | 'history' | 'notices' | 'notice' | 'access' | 'cameras';

export interface Navigation {
  /** App.vue's page; writable so App.vue can go home when the binding changes. */
  readonly page: Ref<Page>;
  /** The notice the 'notice' page shows. */
  readonly noticeId: Readonly<Ref<number | null>>;
  go(page: Exclude<Page, 'notice'>): void;
  openNotice(messageId: number): void;
}

export const navigationKey: InjectionKey<Navigation> = Symbol('navigation');

export function provideNavigation(): Navigation {
  const page = ref<Page>('home');
  const noticeId = ref<number | null>(null);
  const navigation: Navigation = {
    page,
    noticeId: readonly(noticeId),
    go(next) {
      page.value = next;
    },
    openNotice(messageId) {
      noticeId.value = messageId;
      page.value = 'notice';
    },
  };
  provide(navigationKey, navigation);
  return navigation;
}

export function useNavigation(): Navigation {
  const navigation = inject(navigationKey);
  if (!navigation) throw new Error('useNavigation() outside the app: App.vue provides it');
  return navigation;
}
