// A real npm registry on 127.0.0.1 for the publish test: Verdaccio with a temporary storage. @kallglot/* lives
// only here (never proxied, so nothing can come from the public registry under our names); the npmrc it
// writes points the @kallglot scope at it. Other packages are proxied from the npm registry too, for tools
// that ask it for everything.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { runServer } from 'verdaccio';

export type Registry = { url: string; token: string; npmrc: string; close(): Promise<void> };

export async function startRegistry(dir: string, uplink = process.env.KALLGLOT_UPLINK_REGISTRY ?? 'https://registry.npmjs.org/'): Promise<Registry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = {
    self_path: join(dir, 'config.yaml'),
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: { npmjs: { url: uplink, timeout: '60s', max_fails: 5, cache: true } },
    packages: {
      '@kallglot/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
      '**': { access: '$all', publish: '$authenticated', proxy: 'npmjs' },
    },
    server: { keepAliveTimeout: 60 },
    log: { type: 'stdout', format: 'pretty', level: 'error' },
    web: { enable: false },
  };
  const app = (await runServer(config as never)) as unknown as { listen(port: number, host: string, cb: () => void): Server };
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // npm adduser's wire protocol: PUT the user document, get a token back.
  const res = await fetch(`${url}-/user/org.couchdb.user:release-test`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release-test', password: 'release-test-password', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const { token } = (await res.json()) as { token?: string };
  if (!res.ok || !token) throw new Error(`verdaccio adduser failed: ${res.status}`);
  const npmrc = join(dir, 'npmrc');
  // Only @kallglot/* comes from here (as a user with a private scope would set it up); everything else comes
  // from the default registry with npm's own cache, which is faster and steadier than a proxy under load.
  writeFileSync(npmrc, `@kallglot:registry=${url}\n//${url.slice('http://'.length)}:_authToken=${token}\n`);
  return {
    url,
    token,
    npmrc,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
