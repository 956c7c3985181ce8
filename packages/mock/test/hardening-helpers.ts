// Shared by the hardening-*.test.ts files: the CLI as a real child process, and a hand-rolled WebSocket client
// (raw TCP, so a test can stop reading and watch what the server does about it).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './helpers/wait.js';

export const BIN = fileURLToPath(new URL('../bin/kallglot-mock.js', import.meta.url));

export interface Cli {
  child: ChildProcessWithoutNullStreams;
  out(): string;
  err(): string;
  exit: Promise<number | null>;
}

export function runCli(args: string[], bin = BIN): Cli {
  const child = spawn(process.execPath, [bin, ...args], { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

export { waitFor };

/** Start the CLI with --json on free ports and wait for its URL line. */
export async function startCli(extra: string[] = []): Promise<Cli & { urls: { rest: string; stream: string; health: string; docs?: string } }> {
  const cli = runCli(['--rest-port', '0', '--stream-port', '0', '--docs-port', '0', '--no-docs', '--json', ...extra]);
  let urls: { rest: string; stream: string; health: string } | undefined;
  await waitFor(() => {
    const line = cli.out().split('\n').find((l) => l.startsWith('{'));
    if (line) urls = JSON.parse(line);
    if (cli.child.exitCode !== null) throw new Error(`CLI exited ${cli.child.exitCode}: ${cli.err()}`);
    return !!urls;
  }, 'the CLI URL line');
  return { ...cli, urls: urls! };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Child pids of a process (Linux /proc). */
export async function childPids(pid: number): Promise<number[]> {
  const { readFile } = await import('node:fs/promises');
  try {
    const txt = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return txt.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

/** A WebSocket client on a bare TCP socket: masked frames out, a frame parser in; `pause()` stops reading. */
export class RawWs {
  private buf = Buffer.alloc(0);
  readonly frames: RawFrame[] = [];
  private constructor(readonly socket: Socket) {}

  static open(wsUrl: string): Promise<RawWs> {
    const u = new URL(wsUrl);
    return new Promise((resolve, reject) => {
      const socket = tcpConnect(Number(u.port), u.hostname);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(
          `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      let head = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!head.subarray(0, 12).toString().includes('101')) return reject(new Error(`handshake refused: ${head.toString().split('\r\n')[0]}`));
        const ws = new RawWs(socket);
        socket.on('data', (c: Buffer) => ws.feed(c));
        ws.feed(head.subarray(end + 4));
        resolve(ws);
      };
      socket.on('data', onData);
    });
  }

  private feed(c: Buffer) {
    this.buf = Buffer.concat([this.buf, c]);
    for (;;) {
      if (this.buf.length < 2) return;
      let len = this.buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      this.frames.push({ opcode: this.buf[0]! & 0x0f, payload: Buffer.from(this.buf.subarray(off, off + len)) });
      this.buf = this.buf.subarray(off + len);
    }
  }

  /** One masked client frame (text by default). */
  static frame(payload: Buffer | string, opcode = 1): Buffer {
    const p = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const mask = randomBytes(4);
    const head = p.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | p.length]) : Buffer.from([0x80 | opcode, 0x80 | 126, p.length >> 8, p.length & 0xff]);
    const body = Buffer.alloc(p.length);
    for (let i = 0; i < p.length; i++) body[i] = p[i]! ^ mask[i % 4]!;
    return Buffer.concat([head, mask, body]);
  }

  send(payload: Buffer | string, opcode = 1): boolean {
    return this.socket.write(RawWs.frame(payload, opcode));
  }

  /** The close code of the first close frame received, if any. */
  closeCode(): number | undefined {
    const f = this.frames.find((x) => x.opcode === 8);
    return f && f.payload.length >= 2 ? f.payload.readUInt16BE(0) : undefined;
  }

  pause() {
    this.socket.pause();
  }

  resume() {
    this.socket.resume();
  }

  destroy() {
    this.socket.destroy();
  }
}
