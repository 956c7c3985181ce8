#!/usr/bin/env node
// Writes packages/stream/examples/call.wav: a short support call as real synthetic speech, 8 kHz mono μ-law, the
// format the stream takes. The three phrases are the default sandbox scenario's lines, so the sandbox's
// transcript reads what the sample says: 1 s of silence, then each phrase followed by 1.2 s of silence.
// Needs espeak-ng and sox (Debian: `apt-get install espeak-ng sox`). Deterministic for a given espeak-ng and sox:
// sox runs with dither off (-D), so running it again gives the same bytes (test/audio/sample.test.ts checks it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PHRASES = [
  { voice: 'en-us', text: 'Hello, I need help with my order.' },
  { voice: 'en-gb', text: 'Of course. Could you give me the order number?' },
  { voice: 'en-us', text: 'It is four five six seven.' },
];
export const LEAD_SILENCE_S = 1.0;
export const GAP_SILENCE_S = 1.2;

export function makeSampleWav(out) {
  const dir = mkdtempSync(join(tmpdir(), 'kallglot-sample-'));
  try {
    const silence = (name, seconds) => {
      const file = join(dir, name);
      execFileSync('sox', ['-D', '-n', '-r', '22050', '-c', '1', '-b', '16', file, 'trim', '0', String(seconds)]);
      return file;
    };
    const parts = [silence('lead.wav', LEAD_SILENCE_S)];
    const gap = silence('gap.wav', GAP_SILENCE_S);
    PHRASES.forEach(({ voice, text }, i) => {
      const file = join(dir, `p${i}.wav`);
      execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', file, text]);
      parts.push(file, gap);
    });
    execFileSync('sox', ['-D', ...parts, '-r', '8000', '-c', '1', '-e', 'mu-law', out]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'stream', 'examples', 'call.wav');
  makeSampleWav(out);
  console.log(`wrote ${out}`);
}
