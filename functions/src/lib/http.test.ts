import { IllegalTransitionError, ValidationError } from '@huimin/domain';
import { InvalidPageTokenError, TransactionConflictError } from '@huimin/store';
import { describe, expect, it, vi } from 'vitest';
import { errorResponse } from './http';
import { logger } from './logger';

const bodyOf = (r: ReturnType<typeof errorResponse>) => JSON.parse(r.body ?? '{}') as { error: Record<string, unknown> };

describe('errorResponse', () => {
  it('answers a lost write race with 409, not 500', () => {
    const r = errorResponse(new TransactionConflictError(['application']), 'req-1');

    expect(r.statusCode).toBe(409);
    expect(bodyOf(r).error).toMatchObject({ code: 'CONFLICT', requestId: 'req-1' });
    expect(bodyOf(r).error.messageZh).toMatch(/刷新/);
  });

  it('keeps field issues of a validation error', () => {
    const r = errorResponse(new ValidationError([{ path: 'subject.idNumber', message: '身份证号码校验位错误 / ID number checksum is wrong' }]), 'req-2');

    expect(r.statusCode).toBe(400);
    expect(bodyOf(r).error.issues).toEqual([{ path: 'subject.idNumber', message: '身份证号码校验位错误 / ID number checksum is wrong' }]);
  });

  it('maps an illegal transition to 409 and a bad page token to 400 on nextToken', () => {
    expect(errorResponse(new IllegalTransitionError('assignment', 'DECLINED', 'ACCEPTED'), 'r').statusCode).toBe(409);
    expect(bodyOf(errorResponse(new IllegalTransitionError('assignment', 'DECLINED', 'ACCEPTED'), 'r')).error.message).toMatch(/^An assignment/);
    const page = errorResponse(new InvalidPageTokenError(), 'r');
    expect(page.statusCode).toBe(400);
    expect(bodyOf(page).error.issues).toEqual([expect.objectContaining({ path: 'nextToken' })]);
  });

  it('says nothing of an unknown failure beyond a request id, and logs it for the team', () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const r = errorResponse(new Error('ECONNRESET at 10.0.0.7 for 320113194403150426'), 'req-3');

    expect(logged).toHaveBeenCalledWith('Unhandled error', expect.objectContaining({ requestId: 'req-3' }));
    logged.mockRestore();
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('ECONNRESET');
    expect(r.body).not.toContain('320113194403150426');
    expect(bodyOf(r).error).toMatchObject({ code: 'INTERNAL', requestId: 'req-3' });
  });
});

describe('error codes', () => {
  it('documents every code the API can answer with, with the status it answers', async () => {
    const { buildOpenApiDocument } = await import('../public/openapi/document');
    const { ERROR_CODES } = await import('@huimin/domain');
    const doc = buildOpenApiDocument() as unknown as { components: { schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } } };

    expect(doc.components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(errorResponse(new TransactionConflictError(['x']), 'r').statusCode).toBe(ERROR_CODES.CONFLICT.status);
  });
});
