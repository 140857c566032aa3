import './zod-csp';
import { createApp } from 'vue';
import App from './App.vue';
import { connectHost } from './host';
import { createPanelStore, panelStoreKey } from './state/panel-store';
import './styles.css';

// A long press on a touch panel would otherwise open Chromium's context menu.
window.addEventListener('contextmenu', (event) => event.preventDefault());

const store = createPanelStore(connectHost());
createApp(App).provide(panelStoreKey, store).mount('#app');
