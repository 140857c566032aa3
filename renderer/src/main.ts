import './zod-csp';
import { createApp } from 'vue';
import App from './App.vue';
import { connectHost } from './host';
import { callMediaKey, createCallMedia } from './media/call-media';
import { AUDIO_STATS_KEY, audioStats, VIDEO_STATS_KEY, videoStats } from './media/stats';
import { createPanelStore, panelStoreKey } from './state/panel-store';
import { createToasts, toastsKey } from './state/toast';
import './styles.css';

// A long press on a touch panel would otherwise open Chromium's context menu.
window.addEventListener('contextmenu', (event) => event.preventDefault());

// The call screen's own measurements, where the end-to-end tests and the bench read them.
Object.assign(window, { [VIDEO_STATS_KEY]: videoStats, [AUDIO_STATS_KEY]: audioStats });

const bridge = connectHost();
const store = createPanelStore(bridge);
createApp(App)
  .provide(panelStoreKey, store)
  .provide(callMediaKey, createCallMedia(bridge, store))
  .provide(toastsKey, createToasts())
  .mount('#app');
