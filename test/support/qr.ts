// Reads a QR code back from pixels, as a phone camera would.
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr ships CommonJS whose declared default is the function itself; under Node ESM interop the
// module object arrives instead, so accept either.
type Decode = typeof jsQRModule.default;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

export function decodeQrFromPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const result = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return result?.data ?? null;
}
