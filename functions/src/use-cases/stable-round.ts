import { type AnyProgramme, type PriorityPoint, policyOn, policyVersionOf, programmeOf } from '@huimin/domain';
import { deferredAcceptance, haversineMetres, lotteryDraw } from '@huimin/matching';
import {
  type ApplicationRecord,
  type Cutoff,
  type PreferenceOutcome,
  type ProviderRecord,
  RoundEntries,
  type RoundEntryRecord,
  type RoundPoolRecord,
  RoundPools,
  type RoundRecord,
  TransactionConflictError,
} from '@huimin/store';
import type { Deps } from '../lib/config';
import { offerWrites } from './matching';

/**
 * A stable allocation round (childcare): child-proposing deferred acceptance over every provider ×
 * class of the district, each provider admitting by the priority points its programme gives each
 * child there (sibling, registry, nearness… with the rule behind each point), then by the round's
 * lottery. The result is stable — no child and nursery would both rather have each other than what
 * they got — and no family gains by ranking nurseries other than as it truly prefers them.
 *
 * The round is three steps, timed for the benchmark: read (the waitlist, the providers, the
 * siblings already placed), solve (build the instance, run packages/matching), write (each offer
 * in its own conditional transaction, with the child's entry; the other entries and the pools in
 * batches). Its inputs are recorded — each child's entry (class, lottery key and number, points per
 * preference) and each provider's places per class — so anyone can re-run it from the records and
 * the published seed (`rerunFromRecords`) and get the same offers.
 */

/** One child as the round ranks it: class, lottery, and each preference with its points. */
export interface StableChild {
  applicationId: string;
  capacityClass: string;
  lotteryKey: string;
  lottery: number;
  /** Every preference as the family ranked it; `considered` false for one not in this round (gone, or declined before). */
  preferences: { providerId: string; providerName: string; considered: boolean; points: number; rules: PriorityPoint[] }[];
}

export interface StablePool {
  providerId: string;
  providerName: string;
  /** Places free per class when the round ran. */
  places: Record<string, number>;
}

export interface StableInstance {
  classes: readonly string[];
  children: StableChild[];
  pools: StablePool[];
}

export interface StableOutcome {
  entries: Omit<RoundEntryRecord, 'roundId' | 'district' | 'roundAt'>[];
  pools: Omit<RoundPoolRecord, 'roundId'>[];
  placed: number;
  /** Sum of the offered preferences' ranks (1 = first choice): lower is better for families. */
  rankSum: number;
}

/** The classes of a programme's capacity (childcare: infant, toddler, older). */
function classesOf(programme: AnyProgramme): string[] {
  const classes = programme.capacity.classes;
  if (!classes) throw new Error(`${programme.type} has no capacity classes: a stable round ranks by class`);
  return classes.map((c) => c.code);
}

/** The family key two children of one family share, so they draw one lottery number. */
function lotteryKeyOf(app: ApplicationRecord): string {
  return app.familyKey ?? app.id;
}

/** Builds the round's instance from what was read: each child's points at each nursery it ranked, and the places free. */
export function buildStableInstance(
  programme: AnyProgramme,
  apps: readonly ApplicationRecord[],
  providers: readonly ProviderRecord[],
  placedSiblings: readonly ApplicationRecord[],
  seed: number,
  at: Date,
): StableInstance {
  const classes = classesOf(programme);
  const byId = new Map(providers.map((p) => [p.id, p]));
  const enrolled = new Set(placedSiblings.flatMap((a) => (a.familyKey && a.assignment ? [`${a.familyKey}|${a.assignment.providerId}`] : [])));
  const now = at.toISOString();
  // In application-id order, as a re-run from the records reads them: siblings share a lottery
  // number, and the order left between them must be the same in both.
  const ordered = [...apps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const children = ordered.flatMap((app): StableChild[] => {
    const capacityClass = app.eligibility?.capacityClass;
    if (!capacityClass) return [];
    const excluded = new Set(app.exclusions.filter((e) => e.until > now).map((e) => e.providerId));
    const lotteryKey = lotteryKeyOf(app);
    const preferences = ((app.needs.preferences as string[] | undefined) ?? []).map((providerId) => {
      const provider = byId.get(providerId);
      const providerName = provider?.name ?? providerId;
      if (!provider || excluded.has(providerId)) return { providerId, providerName, considered: false, points: 0, rules: [] };
      const rules =
        programme.priorityAt?.(
          {
            needs: app.needs,
            lowIncome: app.eligibility?.lowIncome ?? false,
            providerId,
            distanceMetres: haversineMetres(app.subject.address.location, provider.location),
            siblingEnrolled: app.familyKey !== undefined && enrolled.has(`${app.familyKey}|${providerId}`),
          },
          at,
        ) ?? [];
      return { providerId, providerName, considered: true, points: rules.reduce((s, r) => s + r.points, 0), rules };
    });
    return [{ applicationId: app.id, capacityClass, lotteryKey, lottery: lotteryDraw(seed, lotteryKey), preferences }];
  });
  const pools = providers.map((p) => ({
    providerId: p.id,
    providerName: p.name,
    places: Object.fromEntries(classes.map((c) => [c, Math.max(0, p.pools?.[c]?.available ?? 0)])),
  }));
  return { classes, children, pools };
}

/** Runs deferred acceptance on an instance and explains every preference of every child. */
export function solveStable(instance: StableInstance): StableOutcome {
  const { classes, children, pools } = instance;
  const bands = classes.length;
  const nurseryIndex = new Map(pools.map((p, j) => [p.providerId, j]));
  const bandOf = new Map(classes.map((c, b) => [c, b]));
  const considered = children.map((c) => c.preferences.filter((p) => p.considered && nurseryIndex.has(p.providerId)));
  const result = deferredAcceptance({
    children: children.map((c, i) => ({
      preferences: considered[i]!.map((p) => nurseryIndex.get(p.providerId)!),
      priorities: considered[i]!.map((p) => p.points),
      band: bandOf.get(c.capacityClass) ?? 0,
    })),
    nurseries: pools.map((p) => ({ capacity: classes.map((c) => p.places[c] ?? 0) })),
    lottery: children.map((c) => c.lottery),
  });
  // The cutoff of a full (nursery, class): the points and lottery number of the lowest child admitted.
  const pointsAt = (child: number, providerId: string) => considered[child]!.find((p) => p.providerId === providerId)?.points ?? 0;
  const cutoffs: (Cutoff | null)[] = Array.from(result.cutoff, (child, key) =>
    child < 0 ? null : { points: pointsAt(child, pools[Math.floor(key / bands)]!.providerId), lottery: children[child]!.lottery },
  );
  let rankSum = 0;
  const entries = children.map((child, i) => {
    const j = result.assignment[i]!;
    const offeredProviderId = j >= 0 ? pools[j]!.providerId : undefined;
    const b = bandOf.get(child.capacityClass) ?? 0;
    let reached = true;
    const preferences = child.preferences.map((p) => {
      const at = nurseryIndex.get(p.providerId);
      const key = at === undefined ? -1 : at * bands + b;
      let outcome: PreferenceOutcome;
      if (!p.considered || at === undefined) outcome = 'not-in-round';
      else if (!reached) outcome = 'lower-choice';
      else if (p.providerId === offeredProviderId) {
        outcome = 'offered';
        reached = false;
      } else outcome = (pools[at]!.places[child.capacityClass] ?? 0) === 0 ? 'no-places' : 'below-cutoff';
      return { providerId: p.providerId, providerName: p.providerName, points: p.points, rules: p.rules, outcome, cutoff: key >= 0 ? (cutoffs[key] ?? null) : null };
    });
    const rank = offeredProviderId === undefined ? undefined : child.preferences.findIndex((p) => p.providerId === offeredProviderId) + 1;
    if (rank !== undefined) rankSum += rank;
    return {
      applicationId: child.applicationId,
      capacityClass: child.capacityClass,
      lotteryKey: child.lotteryKey,
      lottery: child.lottery,
      preferences,
      ...(offeredProviderId === undefined ? {} : { offeredProviderId, rank }),
    };
  });
  const admitted = new Int32Array(pools.length * bands);
  children.forEach((c, i) => {
    const j = result.assignment[i]!;
    if (j >= 0) admitted[j * bands + (bandOf.get(c.capacityClass) ?? 0)]!++;
  });
  const poolRecords = pools.map((p, j) => ({
    providerId: p.providerId,
    providerName: p.providerName,
    classes: Object.fromEntries(classes.map((c, b) => [c, { places: p.places[c] ?? 0, admitted: admitted[j * bands + b]!, cutoff: cutoffs[j * bands + b] ?? null }])),
  }));
  return { entries, pools: poolRecords, placed: result.placed, rankSum };
}

/** Re-runs a round from what it recorded (entries and pools) and its seed: the offers it would make. */
export async function rerunFromRecords(deps: Deps, round: RoundRecord): Promise<Map<string, string | undefined>> {
  const programme = programmeOf(round.type);
  const [entries, pools] = await Promise.all([deps.store.listRoundEntries(round.id), deps.store.listRoundPools(round.id)]);
  const seed = round.lotterySeed ?? 0;
  const instance: StableInstance = {
    classes: classesOf(programme),
    children: entries.map((e) => ({
      applicationId: e.applicationId,
      capacityClass: e.capacityClass,
      lotteryKey: e.lotteryKey,
      // Drawn again from the published seed, not copied from the record: the seed decides.
      lottery: lotteryDraw(seed, e.lotteryKey),
      preferences: e.preferences.map((p) => ({ providerId: p.providerId, providerName: p.providerName, considered: p.outcome !== 'not-in-round', points: p.points, rules: p.rules })),
    })),
    pools: pools.map((p) => ({ providerId: p.providerId, providerName: p.providerName, places: Object.fromEntries(Object.entries(p.classes).map(([c, v]) => [c, v.places])) })),
  };
  const outcome = solveStable(instance);
  return new Map(outcome.entries.map((e) => [e.applicationId, e.offeredProviderId]));
}

export interface StableRoundResult {
  policyVersion: string;
  considered: number;
  planned: number;
  offered: number;
  conflicts: number;
  stillWaiting: number;
  objective: number;
  timings: { readMs: number; solveMs: number; writeMs: number };
}

/** Offers are written this many at a time: each is its own conditional transaction. */
const WRITE_CONCURRENCY = 8;

/** Runs `work` on each item, `limit` at a time; after a failure no worker starts another item. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Runs a stable round for staff of a district: read, solve, write the plan, make the offers (each
 * conditional). The plan (every child's entry and every nursery's pool) is written before any offer,
 * so a run after a failure continues it rather than solving again over whoever is left: children the
 * earlier run offered a place are counted as offered, the rest are offered now, and a child whose
 * application changed meanwhile is recorded so. The figures and the records are the round's, whether
 * it ran once or was resumed.
 */
export async function runStableRound(deps: Deps, round: Pick<RoundRecord, 'id' | 'type' | 'district' | 'createdAt' | 'lotterySeed'>, causationId: string): Promise<StableRoundResult> {
  const { store } = deps;
  const programme = programmeOf(round.type);
  const at = deps.now();
  const t0 = performance.now();
  const [earlierPlan, waiting, providers, placed] = await Promise.all([
    store.listRoundEntries(round.id),
    store.listAllApplicationsByDistrictTypeStatus(round.district, round.type, 'WAITLISTED'),
    store.listAllProvidersByDistrict(round.district, round.type),
    store.listAllApplicationsByDistrictTypeStatus(round.district, round.type, 'ACTIVE'),
  ]);
  const resumed = earlierPlan.length > 0;
  // Resuming: the children the earlier run offered a place have moved on to OFFERED (or ACTIVE).
  const offeredBefore = resumed ? await store.listAllApplicationsByDistrictTypeStatus(round.district, round.type, 'OFFERED') : [];
  const t1 = performance.now();
  const stamp = { roundId: round.id, district: round.district, roundAt: round.createdAt };
  const outcome = resumed ? undefined : solveStable(buildStableInstance(programme, waiting, providers, placed, round.lotterySeed ?? 0, at));
  const t2 = performance.now();
  const entries: RoundEntryRecord[] = outcome ? outcome.entries.map((e) => ({ ...e, ...stamp })) : earlierPlan;
  if (outcome) {
    await store.putAll(RoundPools, outcome.pools.map((p) => ({ ...p, roundId: round.id })));
    await store.putAll(RoundEntries, entries);
  }

  const waitingById = new Map(waiting.map((a) => [a.id, a]));
  const movedOn = new Map([...offeredBefore, ...placed].map((a) => [a.id, a]));
  const providerById = new Map(providers.map((p) => [p.id, p]));
  const planned = entries.filter((e) => e.offeredProviderId !== undefined || e.preferences.some((p) => p.outcome === 'changed-meanwhile'));
  let offered = 0;
  const changed: RoundEntryRecord[] = [];
  await inParallel(planned, WRITE_CONCURRENCY, async (e) => {
    const app = waitingById.get(e.applicationId);
    const provider = e.offeredProviderId === undefined ? undefined : providerById.get(e.offeredProviderId);
    if (!app || !provider) {
      // Not waiting any more: offered by the run this one resumes, or changed before the offer was made.
      if (provider && movedOn.get(e.applicationId)?.assignment?.providerId === provider.id) offered++;
      else if (e.offeredProviderId !== undefined) changed.push(changedMeanwhile(e));
      return;
    }
    const distanceMetres = Math.round(haversineMetres(app.subject.address.location, provider.location));
    const note = {
      note: `Round offers a place at ${provider.name} (choice ${e.rank}); take or leave it before the deadline`,
      noteZh: `本轮分配：${provider.name}（第${e.rank}志愿）有托位，请在截止时间前确认接受或放弃`,
    };
    // Each offer's deadline runs from when it is written, not from the round's start.
    const offerAt = deps.now();
    const { ops, event } = offerWrites(store, app, { provider, distanceMetres }, offerAt, { correlationId: app.correlationId, causationId }, 'allocation', note);
    try {
      await store.commit(ops, [event], offerAt);
      offered++;
    } catch (err) {
      if (!(err instanceof TransactionConflictError)) throw err;
      // The place or the application changed since the read (a cancellation, a capacity change):
      // the round does not force it; the entry says so and the child waits for the next round.
      changed.push(changedMeanwhile(e));
    }
  });
  await store.putAll(RoundEntries, changed);
  const t3 = performance.now();
  const plannedCount = planned.length;
  return {
    policyVersion: policyVersionOf(policyOn(programme.policies, at)),
    considered: entries.length,
    planned: plannedCount,
    offered,
    conflicts: plannedCount - offered,
    stillWaiting: entries.length - offered,
    objective: planned.reduce((sum, e) => sum + (e.rank ?? e.preferences.findIndex((p) => p.outcome === 'changed-meanwhile') + 1), 0),
    timings: { readMs: t1 - t0, solveMs: t2 - t1, writeMs: t3 - t2 },
  };
}

/** An entry whose planned offer could not be made: the child keeps waiting, and its explanation says why. */
function changedMeanwhile(e: RoundEntryRecord): RoundEntryRecord {
  const { offeredProviderId: _o, rank: _r, ...rest } = e;
  return { ...rest, preferences: e.preferences.map((p) => (p.outcome === 'offered' ? { ...p, outcome: 'changed-meanwhile' as const } : p)) };
}
