// Reading a cassette from disk (node adapters and the CLI): the size is checked before a byte is read.
import { readFile, stat } from 'node:fs/promises';
import { CassetteError, DEFAULT_MAX_CASSETTE_BYTES, loadCassette, type Cassette, type LoadCassetteOptions } from './cassette.js';

export async function loadCassetteFile(path: string, options: LoadCassetteOptions = {}): Promise<Cassette> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CASSETTE_BYTES;
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new CassetteError(`Cannot read cassette ${path}: ${(e as Error).message}. Record one with \`kallglot-contract proxy --record ${path}\`.`);
  }
  if (size > maxBytes) throw new CassetteError(`${path} is ${size} bytes; the limit is ${maxBytes} (maxBytes). Record a shorter session, record audio as hashes, or raise the limit.`);
  return loadCassette(await readFile(path), { ...options, source: options.source ?? path });
}
