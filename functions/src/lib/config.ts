import { createDocumentClient, Store } from '@huimin/store';

/** Configuration is read and checked once, at cold start; a missing variable fails with its name. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}

export interface Deps {
  store: Store;
  now: () => Date;
}

let deps: Deps | undefined;

/** Module-scope dependencies, built once per process (one SDK client per service). */
export function getDeps(): Deps {
  deps ??= { store: new Store(createDocumentClient(), requireEnv('TABLE_NAME'), process.env.REGISTRY_HMAC_KEY), now: () => new Date() };
  return deps;
}
