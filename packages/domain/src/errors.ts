/**
 * Errors that cross the HTTP edge. Each carries its status, a stable code, and a message in
 * Chinese and English; one middleware (functions/src/lib/http.ts) maps them to CONTRACT.md's body.
 * Anything else that escapes a handler is a logged 500 whose message never reaches the client.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Every error code the API answers with, its status and what it means: the classes below and the
 * OpenAPI document both read this table, so a client can switch on `error.code` from the document.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, description: 'A field is not valid; `issues` names each one' },
  MALFORMED_REQUEST: { status: 400, description: 'The body is not valid JSON' },
  UNAUTHORIZED: { status: 401, description: 'No token, or a forged or expired one' },
  FORBIDDEN: { status: 403, description: "Wrong role, or another district's data" },
  NOT_FOUND: { status: 404, description: 'Not found, or not yours' },
  CONFLICT: { status: 409, description: 'The record changed meanwhile; reload and try again' },
  ILLEGAL_TRANSITION: { status: 409, description: 'The record is in a state that does not allow this' },
  OFFER_EXPIRED: { status: 409, description: 'The offer passed its response deadline; the next provider is tried' },
  OFFER_ANSWERED_BY_OTHER: { status: 409, description: "The other side answers this offer: a childcare place is taken or left by the family, a meal or visit offer by the provider" },
  CAPACITY_BELOW_RESERVED: { status: 409, description: 'Capacity may not fall below the places already held' },
  DUPLICATE_APPLICATION: { status: 409, description: 'This person already has an open application for this programme; `existingId` names it' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than 64 KiB' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body must be application/json' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, description: 'This Idempotency-Key was used with another body' },
  VISIT_REFUSED: { status: 422, description: 'A visit that the policy refuses: away from the address, overlapping another, in the future or beyond the month\'s hours; `issues` says which' },
  RECORD_REFUSED: { status: 422, description: 'A service record that the policy refuses: a day in the future, a day the service was not active, more than a day allows, a day already recorded, or a settled month; `issues` says which' },
  INTERNAL: { status: 500, description: 'Something went wrong on our side; quote the requestId' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: ErrorCode;
  readonly messageZh: string;
  readonly issues: FieldIssue[] | undefined;
  /** Extra fields of the error body that this error's code documents (`existingId`). */
  readonly details: Record<string, string> | undefined;

  constructor(message: string, messageZh: string, issues?: FieldIssue[]) {
    super(message);
    this.name = new.target.name;
    this.messageZh = messageZh;
    this.issues = issues;
  }
}

export class ValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = ERROR_CODES.VALIDATION_FAILED.status;
  constructor(issues: FieldIssue[], message = 'The request is not valid', messageZh = '请求内容有误') {
    super(message, messageZh, issues);
  }
}

export class MalformedRequestError extends AppError {
  readonly code = 'MALFORMED_REQUEST';
  readonly status = ERROR_CODES.MALFORMED_REQUEST.status;
}

export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
  readonly status = ERROR_CODES.UNAUTHORIZED.status;
  constructor(message = 'A valid bearer token is required', messageZh = '需要有效的身份令牌') {
    super(message, messageZh);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  readonly status = ERROR_CODES.FORBIDDEN.status;
  constructor(message = 'Your role may not do this', messageZh = '您的角色无权执行此操作') {
    super(message, messageZh);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  readonly status = ERROR_CODES.NOT_FOUND.status;
  constructor(what: string, whatZh: string) {
    super(`${what} not found`, `未找到${whatZh}`);
  }
}

export class ConflictError extends AppError {
  readonly code: ErrorCode = 'CONFLICT';
  readonly status: number = ERROR_CODES.CONFLICT.status;
}

export class IllegalTransitionError extends ConflictError {
  override readonly code = 'ILLEGAL_TRANSITION';
  constructor(entity: string, from: string, to: string) {
    super(`${/^[aeiou]/i.test(entity) ? 'An' : 'A'} ${entity} cannot go from ${from} to ${to}`, `当前状态（${from}）不能变更为 ${to}`);
  }
}

export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = ERROR_CODES.PAYLOAD_TOO_LARGE.status;
  constructor(limitBytes: number) {
    super(`The body is larger than ${limitBytes} bytes`, `请求内容超过 ${Math.round(limitBytes / 1024)} KiB 上限`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = ERROR_CODES.UNSUPPORTED_MEDIA_TYPE.status;
  constructor() {
    super('The body must be sent as application/json', '请求内容类型必须为 application/json');
  }
}

export class IdempotencyConflictError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = ERROR_CODES.IDEMPOTENCY_KEY_REUSED.status;
  constructor() {
    super(
      'This Idempotency-Key was already used with a different body',
      '该幂等键（Idempotency-Key）已用于另一份不同的请求内容',
    );
  }
}

/** CONTRACT.md v2: a second open application for the same person and programme. */
export class DuplicateApplicationError extends ConflictError {
  override readonly code = 'DUPLICATE_APPLICATION';
  override readonly details: Record<string, string>;
  constructor(existingId: string) {
    super('This person already has an open application for this service', '该申请对象已有一份办理中的同类申请，请勿重复提交');
    this.details = { existingId };
  }
}

export class VisitRefusedError extends AppError {
  readonly code = 'VISIT_REFUSED';
  readonly status = ERROR_CODES.VISIT_REFUSED.status;
  constructor(issues: FieldIssue[]) {
    super('The visit cannot be recorded', '该次上门服务记录不符合要求，未予登记', issues);
  }
}
