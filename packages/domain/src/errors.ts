/**
 * Errors that cross the HTTP edge. Each carries its status, a stable code, and a message in
 * Chinese and English; one middleware (functions/src/lib/http.ts) maps them to CONTRACT.md's body.
 * Anything else that escapes a handler is a logged 500 whose message never reaches the client.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly messageZh: string;
  readonly issues: FieldIssue[] | undefined;

  constructor(message: string, messageZh: string, issues?: FieldIssue[]) {
    super(message);
    this.name = new.target.name;
    this.messageZh = messageZh;
    this.issues = issues;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(issues: FieldIssue[], message = 'The request is not valid', messageZh = '请求内容有误') {
    super(message, messageZh, issues);
  }
}

export class MalformedRequestError extends AppError {
  readonly status = 400;
  readonly code = 'MALFORMED_REQUEST';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'UNAUTHORIZED';
  constructor(message = 'A valid bearer token is required', messageZh = '需要有效的身份令牌') {
    super(message, messageZh);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  constructor(message = 'Your role may not do this', messageZh = '您的角色无权执行此操作') {
    super(message, messageZh);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
  constructor(what: string, whatZh: string) {
    super(`${what} not found`, `未找到${whatZh}`);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code: string = 'CONFLICT';
}

export class IllegalTransitionError extends ConflictError {
  override readonly code = 'ILLEGAL_TRANSITION';
  constructor(entity: string, from: string, to: string) {
    super(`${/^[aeiou]/i.test(entity) ? 'An' : 'A'} ${entity} cannot go from ${from} to ${to}`, `当前状态（${from}）不能变更为 ${to}`);
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(limitBytes: number) {
    super(`The body is larger than ${limitBytes} bytes`, `请求内容超过 ${Math.round(limitBytes / 1024)} KiB 上限`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  constructor() {
    super('The body must be sent as application/json', '请求内容类型必须为 application/json');
  }
}

export class IdempotencyConflictError extends AppError {
  readonly status = 422;
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super(
      'This Idempotency-Key was already used with a different body',
      '该幂等键（Idempotency-Key）已用于另一份不同的请求内容',
    );
  }
}
