// Ids shaped like the documented ones (ULID-like), from Web Crypto so the engine also runs in a browser.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let pool = new Uint8Array(4096);
let pos = pool.length;

function refill() {
  globalThis.crypto.getRandomValues(pool);
  pos = 0;
}

export function ulid(now: number): string {
  let t = now;
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (pos + 16 > pool.length) refill();
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[pool[pos++]! % 32];
  return time + rand;
}

export const newId = (prefix: string, now: number) => `${prefix}_${ulid(now)}`;
