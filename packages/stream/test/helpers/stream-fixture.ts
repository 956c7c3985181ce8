// Per-test scripted servers and stream clients, all closed after each test, plus small event helpers.
import { afterEach } from 'vitest';
import { connectStream, type StreamClient } from '../../src/node.js';
import { startScriptedServer, type Conn, type ScriptedServer } from './scripted-server.js';

type ConnectOptions = Parameters<typeof connectStream>[0];
type StreamEvent = Parameters<StreamClient['on']>[0];

/** Registers the cleanup hook; `connect` defaults to keepalive off and, when given, `token`. */
export function useStreamFixture(defaults: { token?: string } = {}) {
  const servers: ScriptedServer[] = [];
  const streams: StreamClient[] = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    async server(handler: (c: Conn) => void, opts?: Parameters<typeof startScriptedServer>[1]) {
      const s = await startScriptedServer(handler, opts);
      servers.push(s);
      return s;
    },
    connect(opts: Omit<ConnectOptions, 'token'> & { token?: string }) {
      const s = connectStream({ keepalive: false, ...defaults, ...opts } as ConnectOptions);
      streams.push(s);
      return s;
    },
  };
}

/** Every payload of `event`, in order. */
export function collect<T>(s: StreamClient, event: StreamEvent): T[] {
  const out: T[] = [];
  s.on(event, (p: any) => out.push(p));
  return out;
}

/** The next payload of `event` that passes `pred`. */
export function until<T>(s: StreamClient, event: StreamEvent, pred: (p: any) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const off = s.on(event, (p: any) => {
      if (pred(p)) {
        off();
        resolve(p);
      }
    });
  });
}
