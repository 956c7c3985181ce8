// The public surface of @kallglot/stream, snapshotted: every runtime export of each entry point and subpath, and
// the package's export map. A change here must be deliberate (and go in the changelog).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as audio from '../src/audio/index.js';
import * as browser from '../src/index.js';
import * as node from '../src/node.js';
import * as protocol from '../src/protocol.js';

const names = (m: object) => Object.keys(m).sort();

/** `@kallglot/stream/audio`: μ-law, base64, WAV, resampling and framing helpers. */
const AUDIO = [
    'FrameChunker',
    'base64DecodedLength',
    'base64ToBytes',
    'bytesToBase64',
    'chunkFrames',
    'decodeMulaw',
    'decodeMulawBase64',
    'decodeMulawBase64Into',
    'encodeMulaw',
    'encodeMulawBase64',
    'frameSize',
    'readWav',
    'resample',
    'resampleTo8k',
    'wavToMulaw8k',
    'writeWav',
  ];

/** `@kallglot/stream/protocol`: the client-frame decoder, the generated constants and validators (no client). */
const PROTOCOL = [
    'ASYNCAPI_VERSION',
    'CLIENT_MESSAGE_TYPES',
    'CLOSE_CODES',
    'KEEPALIVE',
    'KEEPALIVE_MS',
    'MAX_PAYLOAD_BYTES',
    'SERVER_MESSAGE_TYPES',
    'clientValidators',
    'decodeClientFrame',
    'documentedServerValidators',
    'serverValidators',
    'validateAudioInput',
    'validateClientMessage',
    'validatePing',
    'validatePong',
    'validatePongDocumented',
    'validateServerMessage',
    'validateSessionEnd',
    'validateSessionEnded',
    'validateSessionEndedDocumented',
    'validateSessionError',
    'validateSessionErrorDocumented',
    'validateSessionReady',
    'validateSessionReadyDocumented',
    'validateTranscriptFinal',
    'validateTranscriptFinalDocumented',
    'validateTranscriptPartial',
    'validateTranscriptPartialDocumented',
  ];

/** Exported by the root entry only (the client, its errors, session-stream helpers). */
const ROOT_ONLY = [
    'SessionStreamError',
    'StreamClosedError',
    'StreamConnectError',
    'StreamError',
    'connectStream',
    'describeClose',
    'fetchSessionStream',
    'sessionStreamProvider',
  ];

describe('@kallglot/stream public exports', () => {
  it('the export map lists the root, /audio, /protocol and package.json only', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(['.', './audio', './protocol', './package.json']);
  });

  it('the root entry (node and browser conditions alike) exports exactly these names', () => {
    const expected = [...new Set([...ROOT_ONLY, ...AUDIO, ...PROTOCOL])].sort();
    expect(names(node)).toEqual(expected);
    expect(names(browser)).toEqual(expected);
  });

  it('/audio and /protocol export exactly these names', () => {
    expect(names(audio)).toEqual(AUDIO);
    expect(names(protocol)).toEqual(PROTOCOL);
  });
});
