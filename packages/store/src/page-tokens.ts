import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class InvalidPageTokenError extends Error {
  constructor() {
    super('nextToken is not one this API issued');
    this.name = 'InvalidPageTokenError';
  }
}

/**
 * Page tokens are opaque and tamper-evident: the last key DynamoDB returned, and an HMAC over it and
 * the query it belongs to (index, partition, sort-key prefix, filter, direction). A token edited,
 * made up, or replayed on another list or by another user (whose partition differs) fails the check
 * and is a 400 naming `nextToken`, never a malformed key handed to DynamoDB.
 *
 * Every instance of a function must sign with the same key (PAGE_TOKEN_KEY, a secret read at cold
 * start); without one, a process signs with a random key of its own, which serves paging inside the
 * process (a consumer reading a whole partition) but not tokens handed to a client.
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(key?: string) {
    this.key = key ? Buffer.from(key, 'utf8') : randomBytes(32);
  }

  private mac(query: string, payload: string): Buffer {
    return createHmac('sha256', this.key).update(query).update('\n').update(payload).digest();
  }

  encode(query: string, lastKey: Record<string, unknown> | undefined): string | undefined {
    if (!lastKey) return undefined;
    const payload = Buffer.from(JSON.stringify(lastKey)).toString('base64url');
    return `${payload}.${this.mac(query, payload).toString('base64url')}`;
  }

  decode(query: string, token: string | undefined): Record<string, unknown> | undefined {
    if (token === undefined || token === '') return undefined;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) throw new InvalidPageTokenError();
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(query, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidPageTokenError();
    // Signed by us for this query, so it is the key we encoded.
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  }
}
