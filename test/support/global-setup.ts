import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../packages/local/src/dynamo';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * One real DynamoDB Local per test run (not a fake); each test file makes its own table in it.
 * Teardown kills the Java process so a crashed run leaves nothing behind.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal({ timeoutMs: 90_000 });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
