import { randomInt, randomUUID } from 'node:crypto';
import { type ApplicationType, ForbiddenError, NotFoundError, policyVersionOf, programmeOf } from '@huimin/domain';
import { AllocationRoundRequested } from '@huimin/events';
import { type RoundPoolRecord, type RoundRecord, Rounds, TransactionConflictError } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { type Cause, newEvent } from '../lib/events';
import type { AllocationRoundOutcome, AllocationRoundView } from '../views';
import { FUNCTIONS } from '../wiring';
import type { Outcome } from './consume';
import { solveDistrict } from './district';
import { offerWrites } from './matching';
import { runStableRound, type StableRoundResult } from './stable-round';

type Staff = Extract<Actor, { role: 'staff' }>;

/** What one run of a round did. */
export type RoundResult = AllocationRoundOutcome & { roundId: string; type: ApplicationType; district: string };

/**
 * A district-wide round for one programme's waitlisted applications: the optimal allocation over
 * what is free right now (places, hours), then one offer per chosen pair through the same transaction as the
 * one-at-a-time matcher (conditional reservation, outbox event). When both run at once, a place
 * can only be taken once: the loser of the race is counted as a conflict and waits for the next
 * round or the next released place. The same holds for a second run of the same round (a retry
 * after a crash mid-round): it reads the waitlist again, so it only offers what is still free to
 * whoever is still waiting.
 */
export async function runAllocationRound(
  deps: Deps,
  actor: Staff,
  type: ApplicationType,
  opts: { roundId?: string; causationId?: string } = {},
): Promise<RoundResult> {
  const { store, now } = deps;
  const at = now();
  const roundId = opts.roundId ?? randomUUID();
  const causationId = opts.causationId ?? roundId;
  const [apps, providers] = await Promise.all([
    store.listAllApplicationsByDistrictTypeStatus(actor.district, type, 'WAITLISTED'),
    store.listAllProvidersByDistrict(actor.district, type),
  ]);
  const solution = solveDistrict(type, apps, providers, (p) => p.available, at);
  let offered = 0;
  let conflicts = 0;
  for (const app of apps) {
    const candidate = solution.chosen.get(app.id);
    if (!candidate) continue;
    // Each offer's clock is its own: its deadline runs from when it is written, not from the round's start.
    const offerAt = now();
    const { ops, event } = offerWrites(store, app, candidate, offerAt, { correlationId: app.correlationId, causationId }, 'allocation');
    try {
      await store.commit(ops, [event], offerAt);
      offered++;
    } catch (err) {
      // The place or the application changed since the read: the round does not force it.
      if (err instanceof TransactionConflictError) {
        conflicts++;
        continue;
      }
      throw err;
    }
  }
  return {
    roundId,
    type,
    district: actor.district,
    policyVersion: policyVersionOf(solution.policy),
    considered: apps.length,
    planned: solution.served,
    offered,
    conflicts,
    stillWaiting: apps.length - offered,
    objective: solution.objective,
  };
}

/**
 * POST /allocation-rounds: records the round as RUNNING and announces it, in one transaction; the
 * allocateDistrict consumer runs it. A district with many thousands waiting takes longer than an
 * HTTP API request may last (30 s), so the request only starts the round.
 */
export async function requestAllocationRound(deps: Deps, actor: Staff, type: RoundRecord['type'], requestId: string): Promise<RoundRecord> {
  const { store, now } = deps;
  const at = now();
  const iso = at.toISOString();
  const round: RoundRecord = {
    id: randomUUID(),
    type,
    district: actor.district,
    status: 'RUNNING',
    requestedBy: actor.sub,
    createdAt: iso,
    updatedAt: iso,
    version: 1,
    // Published with the round before it runs, so anyone can re-run its lottery.
    ...(programmeOf(type).rounds === 'stable' ? { lotterySeed: randomInt(0, 2 ** 32) } : {}),
  };
  const event = newEvent(
    AllocationRoundRequested,
    { roundId: round.id, type, district: round.district, requestedBy: round.requestedBy },
    { correlationId: round.id, causationId: requestId },
    `${round.id}:${round.version}`,
    at,
  );
  await store.commit([store.create('round', Rounds, round)], [event], at);
  return round;
}

export class RoundMissingError extends Error {
  constructor(roundId: string) {
    // The round is written in the same transaction as the event that names it: this is a bug.
    super(`Allocation round ${roundId} does not exist`);
    this.name = 'RoundMissingError';
  }
}

/**
 * A round is held by one run at a time: a claim (a token and a lease) written under the round's
 * version and renewed by the run every ROUND_HEARTBEAT_MS. A run that dies stops renewing it, so
 * another delivery can take the round over once the lease has run out.
 */
export const ROUND_LEASE_MS = 10_000;
export const ROUND_HEARTBEAT_MS = 3_000;
const ROUND_POLL_MS = 2_000;
/** How long a delivery waits for a round another run holds: no longer than its consumer may run. */
const ROUND_WAIT_MS = (FUNCTIONS.allocateDistrict.timeoutSeconds - 60) * 1000;

/** The wait between looks at a held round (tests make it instant). */
export const roundClock = { sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

export class RoundBusyError extends Error {
  constructor(roundId: string, why: string) {
    super(`Allocation round ${roundId} ${why}; the request is retried`);
    this.name = 'RoundBusyError';
  }
}

/** Claims a RUNNING round for this run, waiting while another run holds it; 'completed' if it ends meanwhile. */
async function claimRound(deps: Deps, roundId: string, token: string): Promise<{ round: RoundRecord; version: number } | 'completed'> {
  const { store } = deps;
  const giveUpAt = Date.now() + ROUND_WAIT_MS;
  for (;;) {
    const round = await store.getRound(roundId);
    if (!round) throw new RoundMissingError(roundId);
    if (round.status !== 'RUNNING') return 'completed';
    const now = deps.now();
    if (!round.claim || round.claim.until <= now.toISOString()) {
      const claimed: RoundRecord = { ...round, claim: { token, until: new Date(now.getTime() + ROUND_LEASE_MS).toISOString() } };
      try {
        await store.commit([store.replace('round', Rounds, claimed, round.version)], [], now);
        return { round: claimed, version: round.version + 1 };
      } catch (err) {
        if (!(err instanceof TransactionConflictError)) throw err;
        continue; // another delivery claimed it first: look again
      }
    }
    if (Date.now() >= giveUpAt) throw new RoundBusyError(roundId, 'is still held by another run');
    // Look again when the lease would run out, or sooner: a run that finishes frees the round early.
    await roundClock.sleep(Math.min(Math.max(Date.parse(round.claim.until) - now.getTime(), 0) + 50, ROUND_POLL_MS));
  }
}

/**
 * The allocateDistrict consumer: claims a requested round, runs it, then records its outcome,
 * moving the round RUNNING → COMPLETED under the version it holds, with the consumer's marker.
 *
 * One run at a time: a second delivery of the request waits while the first holds the round, and
 * finds it COMPLETED (a duplicate: nothing runs twice, and the figures and records are the one run's).
 * A run that fails gives the round back before it throws, so the retry runs at once; one that dies
 * stops renewing its lease, and the next delivery takes the round over when the lease runs out.
 * A run after a failure continues the round: a stable round continues its written plan (entries and
 * pools), so its records and figures are the round's; an optimal round solves again over what is left
 * (offers already made took their places, and every offer is conditional), its figures the last run's.
 */
export async function runRequestedRound(deps: Deps, roundId: string, eventId: string, cause: Cause): Promise<Outcome> {
  const { store } = deps;
  const token = randomUUID();
  const claim = await claimRound(deps, roundId, token);
  if (claim === 'completed') return 'duplicate';
  let { round: held, version } = claim;

  // Renew the lease while the round runs; one renewal at a time, none after the run ends.
  let lost = false;
  let renewing = Promise.resolve();
  const renew = async () => {
    if (lost) return;
    const now = deps.now();
    const next: RoundRecord = { ...held, claim: { token, until: new Date(now.getTime() + ROUND_LEASE_MS).toISOString() } };
    try {
      await store.commit([store.replace('round', Rounds, next, version)], [], now);
      held = next;
      version++;
    } catch {
      lost = true;
    }
  };
  const heartbeat = setInterval(() => {
    renewing = renewing.then(renew);
  }, ROUND_HEARTBEAT_MS);
  const stopRenewing = async () => {
    clearInterval(heartbeat);
    await renewing;
  };

  let result: StableRoundResult | RoundResult;
  try {
    result =
      programmeOf(held.type).rounds === 'stable'
        ? await runStableRound(deps, held, cause.causationId)
        : await runAllocationRound(deps, { role: 'staff', sub: held.requestedBy, district: held.district }, held.type, {
            roundId: held.id,
            causationId: cause.causationId,
          });
  } catch (err) {
    await stopRenewing();
    // Give the round back so the platform's retry runs it at once; if that fails too, the lease ends it.
    const { claim: _c, ...unclaimed } = held;
    if (!lost) await store.commit([store.replace('round', Rounds, unclaimed, version)], [], deps.now()).catch(() => undefined);
    throw err;
  }
  await stopRenewing();
  if (lost) throw new RoundBusyError(roundId, 'was taken over by another run while this one ran');

  const at = deps.now();
  const iso = at.toISOString();
  const { claim: _claim, ...rest } = held;
  const completed: RoundRecord = {
    ...rest,
    status: 'COMPLETED',
    updatedAt: iso,
    completedAt: iso,
    considered: result.considered,
    planned: result.planned,
    offered: result.offered,
    conflicts: result.conflicts,
    stillWaiting: result.stillWaiting,
    objective: result.objective,
    policyVersion: result.policyVersion,
  };
  try {
    await store.commit([store.replace('round', Rounds, completed, version), store.consumed('allocateDistrict', eventId, at)], [], at);
    return 'done';
  } catch (err) {
    if (err instanceof TransactionConflictError && err.failed.every((f) => f === 'round' || f === 'consumed')) return 'duplicate';
    throw err;
  }
}

/** A round for staff of its district: 404 when there is none, 403 for another district's. */
export async function loadRoundFor(deps: Deps, actor: Staff, id: string): Promise<RoundRecord> {
  const round = await deps.store.getRound(id);
  if (!round) throw new NotFoundError('Allocation round', '该分配轮次');
  if (round.district !== actor.district) throw new ForbiddenError('This allocation round belongs to another district', '该分配轮次属于其他区县');
  return round;
}

/** A round as staff read it; a completed stable round with its cutoffs per provider and class. */
export async function roundDetail(deps: Deps, r: RoundRecord): Promise<AllocationRoundView> {
  const pools = r.status === 'COMPLETED' && r.lotterySeed !== undefined ? await deps.store.listRoundPools(r.id) : undefined;
  return roundView(r, pools);
}

export function roundView(r: RoundRecord, pools?: RoundPoolRecord[]): AllocationRoundView {
  return {
    id: r.id,
    status: r.status,
    type: r.type,
    district: r.district,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    ...(r.lotterySeed === undefined ? {} : { lotterySeed: r.lotterySeed }),
    ...(pools
      ? {
          cutoffs: pools.flatMap((p) =>
            Object.entries(p.classes).map(([capacityClass, c]) => ({ providerId: p.providerId, providerName: p.providerName, capacityClass, ...c })),
          ),
        }
      : {}),
    ...(r.completedAt === undefined ? {} : { completedAt: r.completedAt }),
    ...(r.status === 'COMPLETED'
      ? {
          considered: r.considered,
          planned: r.planned,
          offered: r.offered,
          conflicts: r.conflicts,
          stillWaiting: r.stillWaiting,
          objective: r.objective,
          policyVersion: r.policyVersion,
        }
      : {}),
  };
}
