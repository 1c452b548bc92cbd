import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, vi } from 'vitest';

/**
 * Imported first by every handler test. `getDeps()` reads `TABLE_NAME` on the first invocation, but
 * the Powertools logger and metrics read their settings when the handler module loads, so this
 * module must be evaluated before any handler import. `DYNAMODB_ENDPOINT` is removed so that a
 * developer's DynamoDB Local setting cannot leak in: unit tests touch no network (STYLE.md #14).
 */
vi.stubEnv('TABLE_NAME', 'test-table');
vi.stubEnv('REGISTRY_HMAC_KEY', 'test-registry-key');
vi.stubEnv('DYNAMODB_ENDPOINT', undefined);
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'HuiminTest');

// Registered on the importing test file's root suite: its worker is left as it was found.
afterAll(() => {
  vi.unstubAllEnvs();
});
