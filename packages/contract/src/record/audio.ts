// Audio frames stored as a hash and a length (`--record-audio hash`): `sha256:<hex>;bytes=<n>`, where the hash
// and the length are of the decoded audio bytes. A replay hashes what the client sends and compares.
import { createHash } from 'node:crypto';

export function hashAudioFrame(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')};bytes=${bytes.length}`;
}
