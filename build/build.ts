// `npm run build`: the screen bundle the host serves (and Electron loads).
import { buildRenderer, RENDERER_DIST } from './renderer-build.js';

await buildRenderer();
process.stdout.write(`screen built into ${RENDERER_DIST}\n`);
