import './zod-csp';
import { createApp } from 'vue';
import App from './App.vue';
import { connectHost } from './host';
import { CallAudio } from './media/call-audio';
import { callMediaKey, createCallMedia } from './media/call-media';
import { AUDIO_STATS_KEY, audioStats, VIDEO_STATS_KEY, videoStats } from './media/stats';
import { createPanelStore, panelStoreKey } from './state/panel-store';
import { createToasts, toastsKey } from './state/toast';
import { VOICE_STATS_KEY, voiceStats } from './voice/stats';
import { createVoice, voiceKey } from './voice/voice';
import './styles.css';

// A long press on a touch panel would otherwise open Chromium's context menu.
window.addEventListener('contextmenu', (event) => event.preventDefault());

// The call screen's own measurements, where the end-to-end tests and the bench read them.
Object.assign(window, { [VIDEO_STATS_KEY]: videoStats, [AUDIO_STATS_KEY]: audioStats, [VOICE_STATS_KEY]: voiceStats });

const bridge = connectHost();
const store = createPanelStore(bridge);
// One audio engine for the page: the call and the voice share its context and its microphone.
const audio = new CallAudio();
const media = createCallMedia(bridge, store, audio);
createApp(App)
  .provide(panelStoreKey, store)
  .provide(callMediaKey, media)
  .provide(voiceKey, createVoice({ bridge, store, audio, media }))
  .provide(toastsKey, createToasts())
  .mount('#app');
