// The panel's own voice: espeak-ng (Debian) speaks Mandarin offline; the host turns its WAV into
// 16 kHz PCM for the screen. A missing binary is a clear error, not a hang.
import { describe, expect, it } from 'vitest';
import { MEDIA_SPEECH_RATE } from '../../../electron/contract/index.js';
import { silentLogger } from '../../../electron/host/log/index.js';
import { Tts, TtsError, parseWav } from '../../../electron/host/speech/tts.js';

const rms = (s: Int16Array): number => Math.sqrt(s.reduce((a, x) => a + x * x, 0) / Math.max(1, s.length));

describe('offline speech', () => {
  it('speaks 门已打开 as about a second of audible 16 kHz speech', async () => {
    const tts = new Tts({ logger: silentLogger(), sampleRate: MEDIA_SPEECH_RATE });
    const speech = await tts.synthesize('门已打开');
    const seconds = speech.samples.length / speech.sampleRate;
    expect(speech.sampleRate).toBe(16000);
    expect(seconds).toBeGreaterThan(0.4);
    expect(seconds).toBeLessThan(3);
    expect(rms(speech.samples)).toBeGreaterThan(500);
    // A longer sentence takes longer to say: the text really is spoken, not a fixed sound.
    const longer = await tts.synthesize('有新公告，要播放吗？请说播放或者不要');
    expect(longer.samples.length).toBeGreaterThan(speech.samples.length * 2);
  });

  it('fails clearly without espeak-ng', async () => {
    const tts = new Tts({ logger: silentLogger(), sampleRate: MEDIA_SPEECH_RATE, binary: '/nonexistent/espeak-ng' });
    await expect(tts.synthesize('开门')).rejects.toBeInstanceOf(TtsError);
  });

  it('refuses what is not 16-bit mono WAV', () => {
    expect(() => parseWav(Buffer.from('not a wav at all'))).toThrow(TtsError);
  });
});
