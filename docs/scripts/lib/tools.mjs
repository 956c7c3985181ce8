// The "Packages and tools" guide: the package helpers by name and the two command-line tools with their flags.
// The helpers' names are checked against the packages' real exports by docs/test/search.test.ts; the CLI text
// is each tool's own `--help`, run at build time, so a new flag shows up here without an edit.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeHtml as esc } from './layout.mjs';

const require = createRequire(import.meta.url);

/** [package, name, call, what it does]: the helpers a newcomer looks for. */
export const HELPERS = [
  ['@kallglot/stream', 'wavToMulaw8k', 'wavToMulaw8k(bytes)', 'Reads a WAV file (16-bit PCM or μ-law, any rate) and returns what the stream wants: mono 8 kHz μ-law bytes.', 'audio'],
  ['@kallglot/stream', 'chunkFrames', 'chunkFrames(audio, { ms: 20 })', 'Cuts μ-law audio into 20 ms frames (160 bytes) to pass to sendAudio one by one.', 'audio'],
  ['@kallglot/stream', 'FrameChunker', 'new FrameChunker()', 'The same framing for audio that arrives in pieces: a microphone, a file stream.', 'audio'],
  ['@kallglot/stream', 'readWav', 'readWav(bytes)', 'Parses a WAV file into its format and samples; a clear error for anything else.', 'audio'],
  ['@kallglot/stream', 'writeWav', 'writeWav(samples, rate)', 'Writes mono 16-bit PCM as a WAV file.', 'audio'],
  ['@kallglot/stream', 'resampleTo8k', 'resampleTo8k(pcm, rate)', 'Resamples 16-bit PCM (a 48 kHz microphone, say) to 8 kHz.', 'audio'],
  ['@kallglot/stream', 'encodeMulaw', 'encodeMulaw(pcm)', 'Encodes 16-bit PCM to G.711 μ-law; decodeMulaw goes back.', 'audio'],
  ['@kallglot/stream', 'connectStream', 'connectStream({ stream })', 'Opens a session’s WebSocket stream with its stream.url and stream.token; await ready.', 'stream'],
  ['@kallglot/stream', 'sendAudio', 'stream.sendAudio(frame)', 'Sends one audio.input frame (μ-law bytes, or 16-bit PCM it encodes); resolves when the socket has room.', 'stream'],
  ['@kallglot/stream', 'fetchSessionStream', 'fetchSessionStream(client, id)', 'Fetches a fresh stream.url and token for a session (to reconnect).', 'stream'],
  ['@kallglot/stream', 'describeClose', 'describeClose(code)', 'Looks a close code (4001, 4002, …) up: what it means and what the client should do.', 'stream'],
  ['@kallglot/client', 'createKallglotClient', 'createKallglotClient({ apiKey, baseUrl })', 'The typed REST client: auth, retries, idempotency keys, timeouts, typed errors, pagination.', 'client'],
  ['@kallglot/client', 'verifyWebhook', 'verifyWebhook({ payload, header, secret })', 'Checks a webhook delivery’s Kallglot-Signature and timestamp over the raw body, then parses it.', 'client'],
  ['@kallglot/client', 'signWebhook', 'signWebhook({ payload, secret })', 'Produces a valid Kallglot-Signature header value, for tests and senders.', 'client'],
];

const PACKAGE_BINS = { 'kallglot-mock': '@kallglot/mock', 'kallglot-contract': '@kallglot/contract' };

/** A tool's own `--help` text (the installed workspace package's bin). */
export function cliHelp(bin) {
  const pkgJson = require.resolve(`${PACKAGE_BINS[bin]}/package.json`);
  const pkg = require(pkgJson);
  const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin[bin];
  const r = spawnSync(process.execPath, [join(dirname(pkgJson), rel), '--help'], { encoding: 'utf8', timeout: 60_000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (!text.includes('--')) throw new Error(`${bin} --help printed no options (exit ${r.status}):\n${text}`);
  // The site's words for two of the tools' terms (as on the Assumptions page).
  return text.replace(/\binferred parts\b/g, 'unconfirmed parts').replace(/\bthe docs site\b/g, 'this documentation site');
}

/** Every `--flag` a help text names, in order, once each. */
export const flagsOf = (help) => [...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]))];

const helperTable = (group) =>
  `<table><thead><tr><th>Helper</th><th>What it does</th></tr></thead><tbody>${HELPERS.filter((h) => h[4] === group)
    .map(([pkg, name, call, text]) => `<tr id="helper-${name.toLowerCase()}"><td><code>${esc(call)}</code><br><small>${esc(pkg)}</small></td><td>${esc(text)}</td></tr>`)
    .join('')}</tbody></table>`;

/** The `<!-- tools:NAME -->` directives of guides/overview.md, and the search entries for what they show. */
export function buildTools() {
  const help = Object.fromEntries(Object.keys(PACKAGE_BINS).map((bin) => [bin, cliHelp(bin)]));
  const directives = {
    audio: () => helperTable('audio'),
    stream: () => helperTable('stream'),
    client: () => helperTable('client'),
    ...Object.fromEntries(Object.entries(help).map(([bin, text]) => [bin, () => `<pre><code class="language-text">${esc(text)}</code></pre>`])),
  };
  const entries = [
    ...HELPERS.map(([pkg, name, call, text, group]) => ({
      k: 'Helper',
      t: name,
      s: `${call} · ${pkg}`,
      h: group === 'audio' ? 'audio helpers wav microphone' : group === 'stream' ? 'stream websocket client' : 'rest client webhook',
      u: `index.html#helper-${name.toLowerCase()}`,
      x: text,
    })),
    ...Object.entries(help).map(([bin, text]) => ({
      k: 'CLI',
      t: bin,
      s: `npx ${PACKAGE_BINS[bin]} · command-line tool`,
      h: `cli command ${flagsOf(text).join(' ')}`,
      u: `index.html#${bin}`,
      x: text.replace(/\s+/g, ' ').slice(0, 1500),
    })),
  ];
  return { directives, entries };
}
