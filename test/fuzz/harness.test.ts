import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUNCTION_SPECS, type HttpRoute } from '../../functions/src/wiring';
import { type CaseSpec, checkAnswer, type Route, routesFromWiring } from './support/harness';
import { contentType, forgedNextToken, hostileId, hostileQueryValue, JsonEntries, mutatedOnce, RawJson, toJsonText } from './support/hostile';

/**
 * The fuzz suite's own checks, without a stack: what it calls a violation, and that its generators
 * really produce the inputs issue 12 names. A checker that passed everything would make the fuzz
 * suite green for nothing.
 */

const route: Route = {
  fn: 'getApplication',
  key: 'GET /applications/{id}',
  method: 'GET',
  path: '/applications/{id}',
  roles: ['family', 'grid', 'staff'],
  writes: false,
  pathParams: [{ name: 'id', schema: { type: 'string' }, required: true }],
  query: [],
  body: undefined,
};
const none = <T>(value: T) => ({ value, label: '-' });
const spec = (auth: CaseSpec['auth']): CaseSpec => ({
  auth,
  params: { id: none('x') },
  suffix: none(''),
  query: none(''),
  headers: none({}),
  idempotencyKey: undefined,
  contentType: none('application/json'),
  body: none(undefined),
});
const allowed = spec({ value: 'Bearer t', label: 'family', kind: 'allowed', role: 'family' });
const json = 'application/json; charset=utf-8';
const error = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Application not found', messageZh: '未找到该申请', requestId: 'r-1', ...over } });
const kinds = (s: CaseSpec, status: number, text: string, type = json) => checkAnswer(s, route, { status, contentType: type, text }).map((v) => v.kind);

describe('what the fuzz suite calls a violation', () => {
  it('accepts a contract error body in Chinese and English, and any 2xx', () => {
    expect(kinds(allowed, 404, error())).toEqual([]);
    expect(kinds(allowed, 400, error({ code: 'VALIDATION_FAILED', issues: [{ path: 'id', message: '格式不正确 / Invalid' }] }))).toEqual([]);
    expect(kinds(allowed, 200, '{"id":"x"}')).toEqual([]);
  });

  it('flags a 5xx, whatever its body', () => {
    expect(kinds(allowed, 500, error({ code: 'INTERNAL', message: 'Something went wrong', messageZh: '系统内部错误' }))).toContain('server-error-5xx');
    expect(kinds(allowed, 502, '')).toContain('server-error-5xx');
  });

  it('flags a 4xx that is not the contract error body', () => {
    expect(kinds(allowed, 400, '', '')).toEqual(['error-body-shape']);
    expect(kinds(allowed, 404, '{"message":"not found"}')).toEqual(['error-body-shape']);
    expect(kinds(allowed, 404, error({ requestId: undefined }))).toEqual(['error-body-shape']);
    expect(kinds(allowed, 404, error({ code: 'NOPE' }))).toEqual(['error-body-shape']);
    expect(kinds(allowed, 400, error({ code: 'VALIDATION_FAILED', issues: [{ field: 'id' }] }))).toEqual(['error-body-shape']);
    expect(kinds(allowed, 404, error(), 'text/html')).toEqual(['error-body-shape']);
  });

  it('flags a code answered with another status than ERROR_CODES documents', () => {
    expect(kinds(allowed, 400, error())).toEqual(['error-code-status-mismatch']);
  });

  it('flags messages that are not Chinese and English', () => {
    expect(kinds(allowed, 404, error({ messageZh: 'Application not found' }))).toEqual(['error-not-bilingual']);
    expect(kinds(allowed, 404, error({ message: '未找到该申请' }))).toEqual(['error-not-bilingual']);
    expect(kinds(allowed, 400, error({ code: 'VALIDATION_FAILED', issues: [{ path: 'id', message: 'Invalid input' }] }))).toEqual(['issue-not-bilingual']);
  });

  it('flags a bad token not answered 401, and a role the route does not admit not answered 403', () => {
    const bad = spec({ value: 'Bearer garbage', label: 'garbage', kind: 'bad-token' });
    expect(kinds(bad, 401, error({ code: 'UNAUTHORIZED', message: 'A valid bearer token is required', messageZh: '需要有效的身份令牌' }))).toEqual([]);
    expect(kinds(bad, 200, '{}')).toEqual(['bad-token-not-401']);
    expect(kinds(bad, 400, error({ code: 'VALIDATION_FAILED' }))).toEqual(['bad-token-not-401']);
    const provider = spec({ value: 'Bearer p', label: 'provider', kind: 'wrong-role', role: 'provider' });
    expect(kinds(provider, 403, error({ code: 'FORBIDDEN', message: 'Your role may not do this', messageZh: '您的角色无权执行此操作' }))).toEqual([]);
    expect(kinds(provider, 200, '{}')).toEqual(['wrong-role-not-403']);
  });

  it('flags a request that got no answer', () => {
    expect(checkAnswer(allowed, route, { status: 0, contentType: '', text: '', transportError: 'socket hang up' }).map((v) => v.kind)).toEqual(['no-answer']);
  });
});

describe('the fuzz suite covers', () => {
  it('every HTTP route of the wiring table, from the table itself', () => {
    const wired = FUNCTION_SPECS.flatMap(([, spec]) => ((spec.http ?? []) as readonly HttpRoute[]).map((r) => `${r.method} ${r.path}`));
    expect(routesFromWiring().map((r) => r.key)).toEqual(wired);
    expect(wired.length).toBeGreaterThan(30);
  });

  it('malformed percent-encoding and very long ids', () => {
    const ids = fc.sample(hostileId, { numRuns: 3_000, seed: 1 }).map((l) => l.value);
    expect(ids).toContain('%ZZ');
    expect(ids.some((id) => id.length > 1_000)).toBe(true);
  });

  it('page tokens the API did not issue, and limits out of range', () => {
    const tokens = fc.sample(forgedNextToken, { numRuns: 3_000, seed: 1 }).map((l) => l.value);
    expect(tokens).toContain(Buffer.from('{"pk":"x"}').toString('base64url'));
    expect(tokens).toContain('9'.repeat(40));
    const values = fc.sample(hostileQueryValue, { numRuns: 3_000, seed: 1 }).map((l) => l.value);
    expect(values).toEqual(expect.arrayContaining(['0', '-1', '101', '99999999999999999999999']));
  });

  it('bodies with one field mutated, including prototype keys, and content types that are not JSON', () => {
    const bodies = fc.sample(mutatedOnce(fc.constant({ a: { b: 1 }, c: 'x' })), { numRuns: 3_000, seed: 1 }).map((m) => (m.value === undefined ? '' : toJsonText(m.value)));
    expect(bodies.some((b) => b.includes('"__proto__":{"fuzzPolluted":true}'))).toBe(true);
    expect(bodies.some((b) => b.includes('1e400'))).toBe(true);
    expect(bodies.some((b) => b.length > 64 * 1024)).toBe(true);
    const types = fc.sample(contentType, { numRuns: 2_000, seed: 1 }).map((l) => l.value);
    expect(types).toEqual(expect.arrayContaining(['application/json', 'text/plain', undefined]));
  });

  it('writes raw JSON: numbers JSON cannot hold, duplicate keys and __proto__ as an own key', () => {
    expect(toJsonText({ a: new RawJson('1e400'), b: new JsonEntries([['__proto__', { x: 1 }], ['k', 1], ['k', 2]]) })).toBe('{"a":1e400,"b":{"__proto__":{"x":1},"k":1,"k":2}}');
  });
});
