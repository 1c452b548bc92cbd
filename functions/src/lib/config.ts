import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient, Store } from '@huimin/store';
import { SECRET_VARIABLES, type SecretName } from '../wiring';

/** Configuration is read and checked once, at cold start; a missing variable fails with its name. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}


let secretsClient: SecretsManagerClient | undefined;

/**
 * One secret's value: the variable itself (local), else the secret its `_SECRET_ARN` names (AWS: read
 * here, at cold start, so the value is never in the template), else none.
 */
export async function readSecret(name: SecretName, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const variable = SECRET_VARIABLES[name];
  if (env[variable]) return env[variable];
  const arn = env[`${variable}_SECRET_ARN`];
  if (!arn) return undefined;
  secretsClient ??= new SecretsManagerClient({});
  const out = await secretsClient.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error(`Secret of ${variable} has no string value`);
  return out.SecretString;
}

export interface Deps {
  store: Store;
  now: () => Date;
}

let deps: Promise<Deps> | undefined;

/** Module-scope dependencies, built once per process (one SDK client per service, each secret read once). */
export function getDeps(): Promise<Deps> {
  deps ??= (async () => {
    const [registry, pageTokens] = await Promise.all([readSecret('registry'), readSecret('pageTokens')]);
    return { store: new Store(createDocumentClient(), requireEnv('TABLE_NAME'), { registry, pageTokens }), now: () => new Date() };
  })().catch((err: unknown) => {
    // A failed cold start (Secrets Manager throttled) is retried by the next invocation.
    deps = undefined;
    throw err;
  });
  return deps;
}
