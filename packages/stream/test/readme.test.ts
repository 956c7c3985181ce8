import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeWav, validateAudioInput } from '../src/node.js';
import { startScriptedServer, behaveNormally, type ScriptedServer } from './helpers/scripted-server.js';

const run = promisify(execFile);
const pkg = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'kallglot-readme-'));
let srv: ScriptedServer | undefined;
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README example', () => {
  it('is the example file, verbatim', () => {
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const example = readFileSync(join(pkg, 'examples/stream-wav.mjs'), 'utf8');
    expect(readme).toContain('```js\n' + example + '```');
  });

  it('streams a WAV file and prints the transcripts', async () => {
    srv = await startScriptedServer((c) => {
      behaveNormally(c);
      let n = 0;
      c.ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type === 'audio.input' && ++n === 2) {
          // Shaped like the docs' quickstart frame: no sequence, language or timestamp.
          c.send({ type: 'transcript.final', session_id: c.sessionId, speaker: 'customer', text: 'hello there', translation: { language: 'es', text: 'hola' } });
        }
      });
    });
    const wav = join(dir, 'call.wav');
    const pcm = Int16Array.from({ length: 16000 * 0.35 }, (_, i) => Math.round(8000 * Math.sin(i / 9)));
    writeFileSync(wav, writeWav(pcm, 16000));
    const { stdout, stderr } = await run(process.execPath, [join(pkg, 'examples/stream-wav.mjs'), wav, `${srv.url}?token=kst_test_readme`], {
      cwd: pkg,
      timeout: 20_000,
    });
    expect(stdout).toContain('customer: hello there  →  hola');
    expect(stderr).not.toMatch(/stream error/);
    expect(stdout).toContain('session ended: explicit_end');
    const received = srv.connections[0]!.received;
    const audio = received.filter((m) => m.type === 'audio.input');
    expect(audio.every((m) => validateAudioInput(m))).toBe(true);
    // 0.35 s at 8 kHz = 2800 μ-law bytes in 100 ms frames.
    expect(audio.map((m: any) => Buffer.from(m.audio.payload, 'base64').length)).toEqual([800, 800, 800, 400]);
    expect(received.at(-1)).toEqual({ type: 'session.end' });
  });
});
