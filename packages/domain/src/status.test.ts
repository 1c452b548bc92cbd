import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from './errors';
import {
  APPLICATION_MACHINE,
  APPLICATION_STATUS_LABELS,
  APPLICATION_STATUSES,
  ASSIGNMENT_MACHINE,
  ASSIGNMENT_STATUSES,
  canTransition,
  isTerminal,
  SUBSIDY_MACHINE,
  SUBSIDY_STATUSES,
  transition,
} from './status';

/**
 * The allowed moves, written out independently of the tables in status.ts (from CONTRACT.md and the
 * project's CANCELLED additions), so a row added to or dropped from a table fails here.
 */
interface MachineCase {
  entity: string;
  statuses: readonly string[];
  allowed: readonly string[];
  terminal: readonly string[];
  machine: Readonly<Record<string, readonly string[]>>;
}

const CASES: readonly MachineCase[] = [
  {
    entity: 'application',
    statuses: APPLICATION_STATUSES,
    machine: APPLICATION_MACHINE,
    allowed: [
      'SUBMITTED>AWAITING_APPROVAL',
      'SUBMITTED>MATCHING',
      'SUBMITTED>INELIGIBLE',
      'SUBMITTED>CANCELLED',
      'AWAITING_APPROVAL>MATCHING',
      'AWAITING_APPROVAL>REJECTED',
      'AWAITING_APPROVAL>CANCELLED',
      'MATCHING>OFFERED',
      'MATCHING>WAITLISTED',
      'MATCHING>CANCELLED',
      'OFFERED>ACTIVE',
      'OFFERED>MATCHING',
      'OFFERED>CANCELLED',
      'WAITLISTED>MATCHING',
      'WAITLISTED>CANCELLED',
      'ACTIVE>COMPLETED',
      'ACTIVE>CANCELLED',
    ],
    terminal: ['COMPLETED', 'INELIGIBLE', 'REJECTED', 'CANCELLED'],
  },
  {
    entity: 'assignment',
    statuses: ASSIGNMENT_STATUSES,
    machine: ASSIGNMENT_MACHINE,
    allowed: [
      'OFFERED>ACCEPTED',
      'OFFERED>DECLINED',
      'OFFERED>EXPIRED',
      'OFFERED>CANCELLED',
      'ACCEPTED>COMPLETED',
      'ACCEPTED>CANCELLED',
    ],
    terminal: ['COMPLETED', 'DECLINED', 'EXPIRED', 'CANCELLED'],
  },
  {
    entity: 'subsidy',
    statuses: SUBSIDY_STATUSES,
    machine: SUBSIDY_MACHINE,
    allowed: ['PENDING>APPROVED', 'PENDING>REJECTED', 'PENDING>CANCELLED', 'APPROVED>SETTLED', 'APPROVED>CANCELLED'],
    terminal: ['REJECTED', 'SETTLED', 'CANCELLED'],
  },
];

/** What `act` threw, or undefined when it returned. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Every ordered pair of statuses, self-moves included, tagged with whether the contract allows it. */
const pairs = CASES.flatMap((c) =>
  c.statuses.flatMap((from) =>
    c.statuses.map((to) => ({ entity: c.entity, machine: c.machine, from, to, allowed: c.allowed.includes(`${from}>${to}`) })),
  ),
);

describe.each(CASES)('the $entity state machine', ({ statuses, machine, allowed, terminal }) => {
  it('has a row for every status and no other', () => {
    // Act
    const rows = Object.keys(machine);

    // Assess
    expect(new Set(rows)).toEqual(new Set(statuses));
  });

  it('names only known statuses in the allowed list of this test', () => {
    // Prepare: a typo in this file would otherwise just turn an allowed move into a refused one.
    const named = allowed.flatMap((move) => move.split('>'));

    // Act
    const unknown = named.filter((s) => !statuses.includes(s));

    // Assess
    expect(unknown).toEqual([]);
  });

  it.each(terminal)(`treats %s as terminal, with no way out`, (status) => {
    // Act
    const out = statuses.filter((to) => canTransition(machine, status, to));

    // Assess
    expect(isTerminal(machine, status)).toBe(true);
    expect(out).toEqual([]);
  });

  it('treats every other status as non-terminal', () => {
    // Act
    const nonTerminal = statuses.filter((s) => !isTerminal(machine, s));

    // Assess
    expect(new Set(nonTerminal)).toEqual(new Set(statuses.filter((s) => !terminal.includes(s))));
  });
});

describe('transition', () => {
  it.each(pairs.filter((p) => p.allowed))('allows $entity $from → $to', ({ entity, machine, from, to }) => {
    // Act
    const next = transition(entity, machine, from, to);

    // Assess
    expect(next).toBe(to);
    expect(canTransition(machine, from, to)).toBe(true);
  });

  it.each(pairs.filter((p) => !p.allowed))('refuses $entity $from → $to with a 409', ({ entity, machine, from, to }) => {
    // Act
    const error = thrownBy(() => transition(entity, machine, from, to));

    // Assess
    expect(canTransition(machine, from, to)).toBe(false);
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION' });
  });

  it('names the entity and both states in English and Chinese', () => {
    // Act
    const caught = thrownBy(() => transition('subsidy', SUBSIDY_MACHINE, 'SETTLED', 'PENDING'));

    // Assess
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect(caught).toMatchObject({
      name: 'IllegalTransitionError',
      message: 'A subsidy cannot go from SETTLED to PENDING',
      messageZh: expect.stringContaining('SETTLED'),
    });
    expect((caught as IllegalTransitionError).messageZh).toContain('PENDING');
  });
});

describe('APPLICATION_STATUS_LABELS', () => {
  it.each(APPLICATION_STATUSES)('labels %s in Chinese and English', (status) => {
    // Act
    const label = APPLICATION_STATUS_LABELS[status];

    // Assess
    expect(label.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(label.en).toMatch(/^[A-Z][\x20-\x7e]+$/);
  });
});
