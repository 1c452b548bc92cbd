import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { LocalStack } from '../../packages/local/src/stack';
import type { apiClient } from '../e2e/client';

/**
 * The people of a flow test, as tokens of the stack it runs on, and a submit that must be accepted.
 * Getters, because a test file starts its stack in `beforeAll`.
 */
export function flowActors(stack: () => LocalStack, call: () => ReturnType<typeof apiClient>, official: string, district = '320113') {
  const sign = (body: Record<string, string>) => stack().tokens.sign(body as never);
  return {
    staffToken: () => sign({ role: 'staff', sub: official, district }),
    familyToken: () => sign({ role: 'family', sub: `family-${randomUUID()}` }),
    providerToken: (providerId: string) => sign({ role: 'provider', sub: `staff-of-${providerId}`, providerId }),
    async submit(token: string, body: unknown): Promise<string> {
      const r = await call()<Record<string, unknown>>('POST', '/applications', { token, body });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return r.body.id as string;
    },
  };
}
