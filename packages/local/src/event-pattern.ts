/**
 * Offline matcher for Amazon EventBridge event patterns, so the local bus routes events by the very
 * patterns the CDK stack deploys. EventBridge evaluates patterns with AWS's open-source Event Ruler
 * (github.com/aws/event-ruler); where the user guide is silent, this follows Ruler's source, and the
 * places where that decides an outcome are called out next to the code.
 *
 * Model (Ruler's): the event is flattened into fields, each a dotted path to a leaf value (string,
 * number, boolean or null) plus the array elements it sits in. Objects and arrays are never values,
 * so an empty array or an object contributes no field at its own path. A pattern is expanded into
 * alternatives ($or), each a list of path conditions that must all hold; a condition holds when some
 * field at its path passes one of its matchers. Fields used by one alternative must not come from
 * different elements of the same event array ("array-consistent" matching).
 */

export type EventPatternValue = string | number | boolean | null;

export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

type IgnoreCase = { readonly 'equals-ignore-case': string };

export type AnythingButOperand =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string | readonly string[] }
  | { readonly suffix: string | readonly string[] }
  | { readonly 'equals-ignore-case': string | readonly string[] }
  | { readonly wildcard: string | readonly string[] };

export type ContentFilter =
  | { readonly prefix: string | IgnoreCase }
  | { readonly suffix: string | IgnoreCase }
  | IgnoreCase
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingButOperand }
  | { readonly numeric: readonly (NumericOperator | number)[] }
  | { readonly exists: boolean }
  | { readonly cidr: string };

export type EventPatternMatcher = EventPatternValue | ContentFilter;

export interface EventPattern {
  readonly $or?: readonly EventPattern[];
  readonly [field: string]: readonly EventPatternMatcher[] | readonly EventPattern[] | EventPattern | undefined;
}

export class InvalidEventPatternError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`Invalid event pattern at ${path}: ${reason}`);
    this.name = 'InvalidEventPatternError';
    this.path = path;
    this.reason = reason;
  }
}

/** Throws InvalidEventPatternError, naming the offending path, for anything EventBridge would refuse. */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  compileEventPattern(pattern);
}

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

/** Validates once and returns a predicate, for callers that test many events against one pattern. */
export function compileEventPattern(pattern: unknown): (event: unknown) => boolean {
  if (!isObject(pattern)) fail('$', 'an event pattern must be a JSON object');
  const alternatives = compileObject(pattern, '', '$', [new Map()], false).map(toAlternative);
  return (event) => {
    // EventBridge events are JSON objects; anything else has no fields a pattern could name.
    if (!isObject(event)) return false;
    const fields = flattenEvent(event);
    return alternatives.some((alternative) => matchFrom(alternative, 0, NO_ARRAYS, fields));
  };
}

// ---------------------------------------------------------------------------------------------
// Compilation

type Leaf = EventPatternValue;
type ValueTest = (value: Leaf) => boolean;

interface Condition {
  readonly tests: readonly ValueTest[];
  /** Set by {"exists": false}: the condition also holds when no field is at the path. */
  readonly matchesAbsence: boolean;
}

interface PathCondition extends Condition {
  readonly path: string;
}

/** One $or alternative; sorted by path because Ruler evaluates fields in that order (see matchFrom). */
type Alternative = readonly PathCondition[];

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];

// Ruler refuses its operator names (and ones it reserves) as field names inside $or, so that a
// misplaced operator fails instead of silently becoming a field that never exists.
const RESERVED_IN_OR = new Set([
  ...OPERATORS,
  'exactly',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

function fail(path: string, reason: string): never {
  throw new InvalidEventPatternError(path, reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys holding undefined are dropped, as JSON.stringify would drop them on the way to AWS. */
function definedKeys(node: Record<string, unknown>): string[] {
  return Object.keys(node).filter((key) => node[key] !== undefined);
}

function childPath(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Returns the alternatives after this object's conditions are added to each of `alternatives`.
 * Paths are joined with dots exactly as Ruler does, so {"a.b": …} and {"a": {"b": …}} name the same
 * field (Ruler documents this collision and matches both event shapes). A path set twice in one
 * alternative (say outside and inside an $or) keeps the later condition, as Ruler's compiler does.
 */
function compileObject(
  node: Record<string, unknown>,
  prefix: string,
  at: string,
  alternatives: Map<string, Condition>[],
  insideOr: boolean,
): Map<string, Condition>[] {
  const keys = definedKeys(node);
  if (keys.length === 0) fail(at, 'empty objects are not allowed');
  let current = alternatives;
  for (const key of keys) {
    const value = node[key];
    const here = childPath(at, key);
    if (key === '$or') {
      current = compileOr(value, prefix, here, current);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(here, `"${key}" is a reserved word and cannot be used as a field name inside $or`);
    }
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      const condition = compileCondition(value, here);
      for (const alternative of current) alternative.set(path, condition);
    } else if (isObject(value)) {
      current = compileObject(value, path, here, current, insideOr);
    } else {
      fail(here, 'must be an object (nested fields) or an array of values to match');
    }
  }
  return current;
}

function compileOr(
  value: unknown,
  prefix: string,
  at: string,
  alternatives: Map<string, Condition>[],
): Map<string, Condition>[] {
  if (!Array.isArray(value) || value.length < 2) fail(at, '$or must be an array of at least two objects');
  const expanded: Map<string, Condition>[] = [];
  value.forEach((branch: unknown, index) => {
    const here = `${at}[${index}]`;
    if (!isObject(branch)) fail(here, 'each $or alternative must be an object');
    const copies = alternatives.map((alternative) => new Map(alternative));
    expanded.push(...compileObject(branch, prefix, here, copies, true));
  });
  return expanded;
}

function toAlternative(conditions: Map<string, Condition>): Alternative {
  return [...conditions.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, condition]) => ({ path, ...condition }));
}

function compileCondition(matchers: readonly unknown[], at: string): Condition {
  if (matchers.length === 0) fail(at, 'empty arrays are not allowed');
  const tests: ValueTest[] = [];
  let matchesAbsence = false;
  matchers.forEach((matcher, index) => {
    const here = `${at}[${index}]`;
    if (typeof matcher === 'string') {
      tests.push(exactStringTest(matcher));
    } else if (typeof matcher === 'number') {
      if (!Number.isFinite(matcher)) fail(here, 'numbers must be finite');
      tests.push((value) => typeof value === 'number' && value === matcher);
    } else if (typeof matcher === 'boolean' || matcher === null) {
      tests.push((value) => value === matcher);
    } else if (isObject(matcher)) {
      const compiled = compileOperator(matcher, here);
      if (compiled === 'absent') matchesAbsence = true;
      else tests.push(compiled);
    } else {
      fail(here, 'a value to match must be a string, a number, true, false, null or an operator object');
    }
  });
  return { tests, matchesAbsence };
}

function compileOperator(matcher: Record<string, unknown>, at: string): ValueTest | 'absent' {
  const keys = definedKeys(matcher);
  const [operator] = keys;
  if (operator === undefined) fail(at, `an operator object needs one of ${OPERATORS.join(', ')}`);
  if (keys.length > 1) fail(at, `only one operator is allowed per object, found ${keys.join(', ')}`);
  const operand = matcher[operator];
  const here = childPath(at, operator);
  switch (operator) {
    case 'prefix': {
      if (typeof operand === 'string') return (value) => typeof value === 'string' && value.startsWith(operand);
      const text = ignoreCaseOperand(operand, here, 'prefix');
      return (value) => typeof value === 'string' && startsWithIgnoringCase(value, text);
    }
    case 'suffix': {
      if (typeof operand === 'string') return (value) => typeof value === 'string' && value.endsWith(operand);
      const text = ignoreCaseOperand(operand, here, 'suffix');
      return (value) => typeof value === 'string' && endsWithIgnoringCase(value, text);
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') fail(here, 'equals-ignore-case takes a string');
      return (value) => typeof value === 'string' && equalsIgnoringCase(value, operand);
    }
    case 'wildcard': {
      if (typeof operand !== 'string') fail(here, 'wildcard takes a string');
      const parts = parseWildcard(operand, here);
      return (value) => typeof value === 'string' && wildcardMatches(parts, value);
    }
    case 'anything-but':
      return compileAnythingBut(operand, here);
    case 'numeric':
      return compileNumeric(operand, here);
    case 'exists':
      if (typeof operand !== 'boolean') fail(here, 'exists takes true or false');
      // Decision: a field present with null exists. The docs only say exists works on leaves; Ruler
      // flattens null as a leaf value (that is how [null] can match it), so exists:true passes it and
      // exists:false does not. An object or an empty array is no leaf, so there the field is absent.
      // exists:false itself is decided in matchFrom, where absence can be seen.
      return operand ? () => true : 'absent';
    case 'cidr':
      return compileCidr(operand, here);
    default:
      return fail(at, `unknown operator "${operator}"; EventBridge supports ${OPERATORS.join(', ')}`);
  }
}

/** Only {"equals-ignore-case": "…"} may nest inside prefix or suffix. */
function ignoreCaseOperand(operand: unknown, at: string, operator: string): string {
  if (!isObject(operand)) fail(at, `${operator} takes a string or {"equals-ignore-case": string}`);
  const keys = definedKeys(operand);
  const text = operand['equals-ignore-case'];
  if (keys.length !== 1 || typeof text !== 'string') {
    fail(at, `${operator} takes a string or {"equals-ignore-case": string}`);
  }
  return text;
}

/**
 * anything-but fails only on a value of the excluded kind: a string exclusion never rejects a number
 * or null and vice versa, and the prefix/suffix/ignore-case/wildcard forms only ever reject strings
 * (Ruler's ByteMachine; LocalStack's AWS-verified cases agree: null passes {"anything-but":
 * "initializing"} and 12 passes {"anything-but": {"prefix": "init"}}). A missing field has no value
 * and so never matches; an event array matches when any of its elements passes.
 */
function compileAnythingBut(operand: unknown, at: string): ValueTest {
  if (typeof operand === 'string') return (value) => value !== operand;
  if (typeof operand === 'number') {
    if (!Number.isFinite(operand)) fail(at, 'numbers must be finite');
    return (value) => value !== operand;
  }
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      fail(at, 'an anything-but list must be non-empty and hold only strings or only numbers');
    }
    const excluded = new Set<unknown>(operand);
    return (value) => !excluded.has(value);
  }
  if (!isObject(operand)) {
    fail(at, 'anything-but takes a string, a number, a list of either, or an object with one of prefix, suffix, equals-ignore-case, wildcard');
  }
  const keys = definedKeys(operand);
  const [operator] = keys;
  if (operator === undefined || keys.length > 1) {
    fail(at, 'anything-but takes exactly one of prefix, suffix, equals-ignore-case, wildcard');
  }
  if (operator !== 'prefix' && operator !== 'suffix' && operator !== 'equals-ignore-case' && operator !== 'wildcard') {
    fail(at, `anything-but does not support "${operator}"; use prefix, suffix, equals-ignore-case or wildcard`);
  }
  const here = childPath(at, operator);
  const inner = operand[operator];
  const texts = typeof inner === 'string' ? [inner] : inner;
  if (!Array.isArray(texts) || !texts.every((text): text is string => typeof text === 'string')) {
    fail(here, `anything-but ${operator} takes a string or a list of strings`);
  }
  let excludes: (value: string) => boolean;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (texts.includes('')) fail(here, `an anything-but ${operator} must not be empty`);
      excludes =
        operator === 'prefix'
          ? (value) => texts.some((text) => value.startsWith(text))
          : (value) => texts.some((text) => value.endsWith(text));
      break;
    case 'equals-ignore-case':
      excludes = (value) => texts.some((text) => equalsIgnoringCase(value, text));
      break;
    case 'wildcard': {
      const patterns = texts.map((text, index) => parseWildcard(text, Array.isArray(inner) ? `${here}[${index}]` : here));
      excludes = (value) => patterns.some((parts) => wildcardMatches(parts, value));
      break;
    }
  }
  return (value) => typeof value !== 'string' || !excludes(value);
}

/**
 * Ruler's grammar: ["=", n], ["<", n], ["<=", n], [">", n], [">=", n], or a lower bound followed by
 * an upper one ([">", 0, "<=", 5]) whose bottom is strictly below its top. Only JSON numbers match,
 * never numeric strings.
 */
function compileNumeric(operand: unknown, at: string): ValueTest {
  if (!Array.isArray(operand)) fail(at, 'numeric takes an array such as [">", 0, "<=", 5]');
  const [first, bottom, second, top] = operand;
  const isOperator = (token: unknown): token is NumericOperator =>
    token === '=' || token === '<' || token === '<=' || token === '>' || token === '>=';
  if (!isOperator(first)) fail(at, `numeric must start with one of =, <, <=, >, >=, not ${JSON.stringify(first)}`);
  if (typeof bottom !== 'number' || !Number.isFinite(bottom)) fail(at, `"${first}" must be followed by a number`);
  if (operand.length === 2) {
    switch (first) {
      case '=':
        return (value) => typeof value === 'number' && value === bottom;
      case '<':
        return (value) => typeof value === 'number' && value < bottom;
      case '<=':
        return (value) => typeof value === 'number' && value <= bottom;
      case '>':
        return (value) => typeof value === 'number' && value > bottom;
      case '>=':
        return (value) => typeof value === 'number' && value >= bottom;
    }
  }
  if (first !== '>' && first !== '>=') fail(at, `nothing may follow "${first}" and its number`);
  if (second !== '<' && second !== '<=') fail(at, 'the upper bound of a numeric range must use < or <=');
  if (typeof top !== 'number' || !Number.isFinite(top)) fail(at, `"${second}" must be followed by a number`);
  if (operand.length > 4) fail(at, 'a numeric range has at most two bounds');
  if (!(bottom < top)) fail(at, 'the lower bound of a numeric range must be less than the upper bound');
  const aboveBottom = first === '>' ? (value: number) => value > bottom : (value: number) => value >= bottom;
  const belowTop = second === '<' ? (value: number) => value < top : (value: number) => value <= top;
  return (value) => typeof value === 'number' && aboveBottom(value) && belowTop(value);
}

// ---------------------------------------------------------------------------------------------
// Strings

/**
 * Case is folded one code point at a time, as Ruler's equals-ignore-case parser does, so strings only
 * match when they have as many characters (no "ß" = "SS").
 */
function sameCharIgnoringCase(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();
}

function equalsIgnoringCase(value: string, text: string): boolean {
  const v = Array.from(value);
  const t = Array.from(text);
  return v.length === t.length && t.every((char, i) => sameCharIgnoringCase(v[i] ?? '', char));
}

function startsWithIgnoringCase(value: string, text: string): boolean {
  const v = Array.from(value);
  const t = Array.from(text);
  return v.length >= t.length && t.every((char, i) => sameCharIgnoringCase(v[i] ?? '', char));
}

function endsWithIgnoringCase(value: string, text: string): boolean {
  const v = Array.from(value);
  const t = Array.from(text);
  const offset = v.length - t.length;
  return offset >= 0 && t.every((char, i) => sameCharIgnoringCase(v[offset + i] ?? '', char));
}

/**
 * Splits a wildcard into the literal runs between its stars. `*` matches any run of characters, the
 * empty run included; `\*` and `\\` are a literal star and backslash. Ruler refuses `**` and a
 * backslash before anything else, and so does this.
 */
function parseWildcard(text: string, at: string): string[] {
  const parts: string[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '*') {
      if (text.charAt(i + 1) === '*') fail(at, `consecutive wildcard characters at position ${i}`);
      parts.push(literal);
      literal = '';
    } else if (char === '\\') {
      const next = text.charAt(i + 1);
      if (next !== '*' && next !== '\\') fail(at, `invalid escape at position ${i}: only \\* and \\\\ may be escaped`);
      literal += next;
      i++;
    } else {
      literal += char;
    }
  }
  parts.push(literal);
  return parts;
}

/** Greedy leftmost placement of the inner runs is enough for `*`-only globs, and never backtracks. */
function wildcardMatches(parts: readonly string[], value: string): boolean {
  const first = parts[0] ?? '';
  if (parts.length === 1) return value === first;
  const last = parts[parts.length - 1] ?? '';
  if (!value.startsWith(first)) return false;
  let position = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, position);
    if (found < 0) return false;
    position = found + part.length;
  }
  return value.length - last.length >= position && value.endsWith(last);
}

// ---------------------------------------------------------------------------------------------
// IP addresses

/**
 * Parses what Ruler treats as an IP literal: four dot-separated decimal octets, or hex groups and
 * colons (no embedded dotted quad, no zone). Like java.net.InetAddress, an IPv4-mapped IPv6 address
 * comes back as its four IPv4 bytes.
 */
function parseIp(text: string): number[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split('.').map(Number);
    return octets.every((octet) => octet <= 255) ? octets : undefined;
  }
  if (!/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): string[] => (half === undefined || half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!all.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  const bytes = all.flatMap((group) => {
    const word = Number.parseInt(group, 16);
    return [word >> 8, word & 0xff];
  });
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * A string pattern that is an IP literal matches the same address however the event spells it
 * ("2001:db8::1" and "2001:0db8:0:0:0:0:0:1"), because Ruler compiles such strings to an address.
 */
function exactStringTest(text: string): ValueTest {
  const address = parseIp(text);
  if (address === undefined) return (value) => value === text;
  return (value) => {
    if (typeof value !== 'string') return false;
    if (value === text) return true;
    const other = parseIp(value);
    return other !== undefined && other.length === address.length && compareBytes(other, address) === 0;
  };
}

/**
 * The range runs from the address as written to that address with its host bits set. So for a
 * "10.0.0.5/24" written with host bits, 10.0.0.1 does not match: Ruler's CIDR class builds the range
 * that way, and its own tests keep such ranges. Mask limits (< 32, < 128) are also Ruler's.
 */
function compileCidr(operand: unknown, at: string): ValueTest {
  if (typeof operand !== 'string') fail(at, 'cidr takes a string such as "10.0.0.0/24"');
  const pieces = operand.split('/');
  const [ip, maskText] = pieces;
  if (pieces.length !== 2 || ip === undefined || maskText === undefined) fail(at, 'a CIDR needs exactly one "/"');
  if (!/^\d+$/.test(maskText)) fail(at, 'the CIDR mask must be a non-negative integer');
  const bottom = parseIp(ip);
  if (bottom === undefined) fail(at, `"${ip}" is not an IP address`);
  const mask = Number(maskText);
  const bits = bottom.length * 8;
  if (mask >= bits) fail(at, `${bits === 32 ? 'IPv4' : 'IPv6'} mask bits must be less than ${bits}`);
  const top = bottom.map((byte, i) => {
    const hostBits = Math.min(8, Math.max(0, (i + 1) * 8 - mask));
    return byte | ((1 << hostBits) - 1);
  });
  return (value) => {
    if (typeof value !== 'string') return false;
    const address = parseIp(value);
    return (
      address !== undefined &&
      address.length === bottom.length &&
      compareBytes(address, bottom) >= 0 &&
      compareBytes(address, top) <= 0
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Which element of which event array a field came from: array id → index. */
type Membership = ReadonlyMap<number, number>;

interface EventField {
  readonly value: Leaf;
  readonly membership: Membership;
}

const NO_ARRAYS: Membership = new Map();

/** The union of two memberships, or undefined when they pick different elements of one array. */
function combine(a: Membership, b: Membership): Membership | undefined {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  let merged: Map<number, number> | undefined;
  for (const [array, index] of b) {
    const mine = a.get(array);
    if (mine === undefined) {
      merged ??= new Map(a);
      merged.set(array, index);
    } else if (mine !== index) {
      return undefined;
    }
  }
  return merged ?? a;
}

/**
 * Flattens the event as JSON.stringify would see it (toJSON honoured, undefined and functions dropped
 * from objects and nulled in arrays, non-finite numbers nulled), since that is what AWS receives.
 */
function flattenEvent(event: Record<string, unknown>): ReadonlyMap<string, readonly EventField[]> {
  const fields = new Map<string, EventField[]>();
  let arrays = 0;
  const visit = (raw: unknown, path: string, membership: Membership, inArray: boolean): void => {
    let value = raw;
    if (isObject(value)) {
      const toJSON = value.toJSON;
      if (typeof toJSON === 'function') {
        const serialized: unknown = Reflect.apply(toJSON, value, []);
        value = serialized;
      }
    }
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      if (!inArray) return;
      value = null;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) value = null;
    if (Array.isArray(value)) {
      const array = arrays++;
      value.forEach((element: unknown, index) => {
        visit(element, path, new Map([...membership, [array, index]]), true);
      });
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        visit(child, path === '' ? key : `${path}.${key}`, membership, false);
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
      const list = fields.get(path);
      if (list === undefined) fields.set(path, [{ value, membership }]);
      else list.push({ value, membership });
    }
  };
  visit(event, '', NO_ARRAYS, false);
  return fields;
}

/**
 * Depth-first search for fields satisfying conditions[index..] consistently with the array elements
 * already committed to. {"exists": false} holds when no field at the path is consistent with those
 * elements; because Ruler walks an alternative's paths in sorted order, only the elements chosen by
 * earlier paths count. Hence {"items": {"x": [{"exists": false}]}} does not match
 * {"items": [{"x": 1}, {"y": 2}]}: items.x exists, in some element.
 */
function matchFrom(
  alternative: Alternative,
  index: number,
  membership: Membership,
  fields: ReadonlyMap<string, readonly EventField[]>,
): boolean {
  const condition = alternative[index];
  if (condition === undefined) return true;
  const candidates = fields.get(condition.path) ?? [];
  if (
    condition.matchesAbsence &&
    !candidates.some((field) => combine(membership, field.membership) !== undefined) &&
    matchFrom(alternative, index + 1, membership, fields)
  ) {
    return true;
  }
  for (const field of candidates) {
    const combined = combine(membership, field.membership);
    if (
      combined !== undefined &&
      condition.tests.some((test) => test(field.value)) &&
      matchFrom(alternative, index + 1, combined, fields)
    ) {
      return true;
    }
  }
  return false;
}
