// Builds the screen once before the suite, so end-to-end tests serve the real bundle.
import { buildRenderer } from '../../build/renderer-build.js';

export default async function setup(): Promise<void> {
  await buildRenderer();
}
