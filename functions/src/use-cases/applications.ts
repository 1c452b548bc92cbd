import { createHash, randomUUID } from 'node:crypto';
import {
  type AnyProgramme,
  APPLICATION_MACHINE,
  type ApplicationInput,
  ASSIGNMENT_MACHINE,
  ageOn,
  ageRefusals,
  canTransition,
  DuplicateApplicationError,
  ForbiddenError,
  IdempotencyConflictError,
  isTerminal,
  maskIdNumber,
  NotFoundError,
  parseIdNumber,
  programmeOf,
  SERVING_STATUSES,
  SUBSIDY_MACHINE,
  ValidationError,
} from '@huimin/domain';
import { ApplicationCancelled, ApplicationSubmitted } from '@huimin/events';
import {
  type ApplicationRecord,
  Applications,
  Assignments,
  type OpenApplicationRecord,
  type ProviderRecord,
  type RoundEntryRecord,
  type Store,
  Subsidies,
  TransactionConflictError,
  type TxOp,
} from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { ApplicationSummary, ApplicationView, Submitted } from '../views';
import { applicationWrites, moveApplication } from './history';
import { entitlementOf } from './visits';

const SUBMISSION_TTL_SECONDS = 24 * 3600;

function bodyHash(input: ApplicationInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** The same key with the same body answers as the first time; with another body, 422. */
async function replayed(store: Store, ownerSub: string, key: string, hash: string): Promise<Submitted | undefined> {
  const prior = await store.getSubmission(ownerSub, key);
  if (!prior) return undefined;
  if (prior.bodyHash !== hash) throw new IdempotencyConflictError();
  const app = await store.getApplication(prior.applicationId);
  return { id: prior.applicationId, status: app?.status ?? 'SUBMITTED' };
}

/** A grid worker applies only for residents of their own street. */
function checkGridScope(actor: Extract<Actor, { role: 'family' | 'grid' }>, input: ApplicationInput) {
  if (actor.role !== 'grid') return;
  const { district, street } = input.subject.address;
  if (district !== actor.district || street !== actor.street) {
    throw new ForbiddenError(
      `Grid workers apply for residents of their own street (${actor.street})`,
      `网格员只能为本人负责的街道（${actor.street}）的居民代为申请`,
    );
  }
}

/** The open application that made this one a duplicate: 409 naming it. */
async function duplicateOf(store: Store, claim: Pick<OpenApplicationRecord, 'type' | 'idHash'>): Promise<never> {
  const open = await store.getOpenApplication(claim.type, claim.idHash);
  // It ended between the failed write and this read: the client may simply try again.
  if (!open) throw new TransactionConflictError(['open-application']);
  throw new DuplicateApplicationError(open.applicationId);
}

/**
 * Providers the needs name (ranked nurseries) must exist, run this programme and be in the subject's
 * district: a 400 naming each one that does not (`needs.preferences.2`).
 */
async function checkProviderRefs(store: Store, programme: AnyProgramme, input: ApplicationInput) {
  const refs = programme.providerRefs?.(input.needs) ?? [];
  const district = input.subject.address.district;
  const found = await Promise.all(refs.map((r) => store.getProvider(r.providerId)));
  const issues = refs.flatMap((r, i) => {
    const p = found[i];
    const noun = programme.providerNoun;
    if (!p) return [{ path: r.path, message: `没有这家${noun.zh}：${r.providerId} / No ${noun.en} ${r.providerId}` }];
    if (p.kind !== programme.type) return [{ path: r.path, message: `${p.name}不是${noun.zh} / ${p.name} is not a ${noun.en}` }];
    if (p.district !== district) return [{ path: r.path, message: `${p.name}不在申请对象所在区县 / ${p.name} is not in the subject's district` }];
    return [];
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

export async function submitApplication(
  { store, now }: Deps,
  actor: Extract<Actor, { role: 'family' | 'grid' }>,
  input: ApplicationInput,
  idempotencyKey: string | undefined,
  requestId: string,
): Promise<Submitted> {
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
    throw new ValidationError([{ path: 'headers.idempotency-key', message: '幂等键应为1至128个可见ASCII字符 / Idempotency-Key must be 1–128 visible ASCII characters' }]);
  }
  const programme = programmeOf(input.type);
  if (!programme.open) {
    throw new ValidationError([{ path: 'type', message: `${programme.name.zh}暂未开放在线申请 / Applications for ${programme.name.en.toLowerCase()} are not open yet` }]);
  }
  checkGridScope(actor, input);
  const at = now();
  // The schema has already checked the ID number; parse again for the facts it carries.
  const id = parseIdNumber(input.subject.idNumber);
  if (!id.ok) throw new ValidationError([{ path: 'subject.idNumber', message: '身份证号码无效 / ID number is not valid' }]);
  // Rules that need no stored data are refused now, as bad input, rather than after a round trip.
  const problems = [
    ...ageRefusals(programme, { birthDate: id.value.birthDate, district: input.subject.address.district }, at).map((r) => ({
      path: r.field ?? 'subject',
      message: `${r.messageZh} / ${r.message}`,
    })),
    ...(programme.needsIssues?.(input.needs, { birthDate: id.value.birthDate }, at) ?? []),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
  await checkProviderRefs(store, programme, input);

  const hash = bodyHash(input);
  if (idempotencyKey) {
    const earlier = await replayed(store, actor.sub, idempotencyKey, hash);
    if (earlier) return earlier;
  }

  const appId = randomUUID();
  const iso = at.toISOString();
  const openKey = store.openApplicationKey(input.subject.idNumber);
  const record: ApplicationRecord = {
    id: appId,
    type: input.type,
    status: 'SUBMITTED',
    ownerSub: actor.sub,
    district: input.subject.address.district,
    street: input.subject.address.street,
    createdAt: iso,
    updatedAt: iso,
    version: 1,
    correlationId: appId,
    applicant: input.applicant,
    subject: { ...input.subject, birthDate: id.value.birthDate, sex: id.value.sex },
    needs: input.needs as Record<string, unknown>,
    openKey,
    familyKey: store.familyKey(input.applicant.phone),
    ...(actor.role === 'grid' ? { filedBy: { role: 'grid' as const, sub: actor.sub, district: actor.district, street: actor.street } } : {}),
    exclusions: [],
    history: [
      actor.role === 'grid'
        ? { at: iso, status: 'SUBMITTED', note: 'Application filed by the grid worker', noteZh: '网格员已代为提交申请', by: actor.sub }
        : { at: iso, status: 'SUBMITTED', note: 'Application submitted', noteZh: '已提交申请', by: actor.sub },
    ],
  };
  const claim = { type: record.type, idHash: openKey };
  const ops: TxOp[] = [store.create('application', Applications, record)];
  if (idempotencyKey) {
    ops.push(
      store.submission({
        ownerSub: actor.sub,
        idempotencyKey,
        bodyHash: hash,
        applicationId: appId,
        createdAt: iso,
        ttl: Math.floor(at.getTime() / 1000) + SUBMISSION_TTL_SECONDS,
      }),
    );
  }
  ops.push(store.openApplication({ ...claim, applicationId: appId, createdAt: iso }));
  const event = newEvent(
    ApplicationSubmitted,
    { applicationId: appId, type: record.type, district: record.district, applicationStatus: 'SUBMITTED' },
    { correlationId: appId, causationId: requestId },
    `${appId}:1`,
    at,
  );
  try {
    await store.commit(ops, [event], at);
  } catch (err) {
    // Two requests with one key raced: the loser answers as a replay (or 422).
    if (idempotencyKey && err instanceof TransactionConflictError && err.failed.includes('submission')) {
      const earlier = await replayed(store, actor.sub, idempotencyKey, hash);
      if (earlier) return earlier;
    }
    if (err instanceof TransactionConflictError && err.failed.includes('open-application')) await duplicateOf(store, claim);
    throw err;
  }
  return { id: appId, status: 'SUBMITTED' };
}

/** Families see their own, grid workers what they filed, staff their district's. Anyone else's is "not found" or forbidden. */
export async function loadApplicationFor(store: Store, actor: Actor, id: string): Promise<ApplicationRecord> {
  const app = await store.getApplication(id);
  if (!app) throw new NotFoundError('Application', '该申请');
  if ((actor.role === 'family' || actor.role === 'grid') && app.ownerSub !== actor.sub) throw new NotFoundError('Application', '该申请');
  if (actor.role === 'staff' && app.district !== actor.district) {
    throw new ForbiddenError('This application belongs to another district', '该申请属于其他区县');
  }
  if (actor.role === 'provider') throw new ForbiddenError();
  return app;
}

/**
 * GET /applications/{id} and the answers that return an application: the view with what is kept
 * beside the record — the month's hours (home visits), the latest round's explanation (childcare).
 */
export async function applicationDetail(deps: Deps, app: ApplicationRecord): Promise<ApplicationView> {
  const stable = programmeOf(app.type).rounds === 'stable';
  const serving = app.assignment && SERVING_STATUSES.includes(app.assignment.status);
  const [entitlement, entry, provider] = await Promise.all([
    entitlementOf(deps, app),
    stable ? deps.store.latestRoundEntry(app.id) : undefined,
    serving && app.assignment ? deps.store.getProvider(app.assignment.providerId) : undefined,
  ]);
  return applicationView(app, deps.now(), entitlement, entry, provider);
}

/** The provider's contact as the family reads it once matched: where, when, and a phone. */
function providerContact(p: ProviderRecord): NonNullable<NonNullable<ApplicationView['assignment']>['contact']> {
  return { ...(p.address ? { address: p.address } : {}), ...(p.phone ? { phone: p.phone } : {}), ...(p.openingHours ? { openingHours: p.openingHours } : {}) };
}

/** What a stable round says to the family: the place offered, and why not each preference above it. */
function allocationView(e: RoundEntryRecord): NonNullable<ApplicationView['allocation']> {
  const above = e.preferences.flatMap((p) => (p.outcome === 'offered' || p.outcome === 'lower-choice' ? [] : [{ ...p, outcome: p.outcome }]));
  return {
    roundId: e.roundId,
    roundAt: e.roundAt,
    ageClass: e.capacityClass,
    lottery: e.lottery,
    ...(e.offeredProviderId === undefined ? {} : { offeredProviderId: e.offeredProviderId, rank: e.rank }),
    explanation: above.map((p) => ({
      providerId: p.providerId,
      providerName: p.providerName,
      ageClass: e.capacityClass,
      outcome: p.outcome,
      cutoff: p.cutoff,
      points: p.points,
      rules: p.rules.map((r) => ({ rule: r.rule, points: r.points, label: r.label })),
    })),
  };
}

/** What GET /applications/{id} answers: no raw ID number, no applicant phone for staff lists. */
export function applicationView(
  app: ApplicationRecord,
  now: Date,
  entitlement?: ApplicationView['entitlement'],
  entry?: RoundEntryRecord,
  provider?: ProviderRecord,
): ApplicationView {
  const programme = programmeOf(app.type);
  return {
    id: app.id,
    type: app.type,
    status: app.status,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
    applicant: app.applicant,
    subject: {
      name: app.subject.name,
      idNumberMasked: maskIdNumber(app.subject.idNumber),
      age: ageOn(app.subject.birthDate, now),
      sex: app.subject.sex,
      address: app.subject.address,
    },
    needs: app.needs,
    eligibility: app.eligibility ?? null,
    subsidy: app.subsidy ? { ...app.subsidy, currency: 'CNY', unit: programme.subsidyUnit.code } : null,
    assignment: app.assignment
      ? { ...app.assignment, ...(provider && SERVING_STATUSES.includes(app.assignment.status) ? { contact: providerContact(provider) } : {}) }
      : null,
    ...(entitlement ? { entitlement } : {}),
    ...(entry ? { allocation: allocationView(entry) } : {}),
    ...(app.job ? { job: app.job } : {}),
    ...(app.filedBy ? { filedBy: { role: app.filedBy.role, street: app.filedBy.street } } : {}),
    history: app.history,
  };
}

export function applicationSummary(app: ApplicationRecord): ApplicationSummary {
  return {
    id: app.id,
    type: app.type,
    status: app.status,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
    district: app.district,
    street: app.street,
    subject: { name: app.subject.name },
    subsidy: app.subsidy ?? null,
    assignment: app.assignment ? { id: app.assignment.id, providerName: app.assignment.providerName, status: app.assignment.status } : null,
    ...(app.job ? { jobStep: app.job.step } : {}),
  };
}

/** How many times a cancel is tried on what it re-reads before its 409. */
const CANCEL_ATTEMPTS = 4;

/**
 * The owner cancels. A cancel can race the system's own steps on the same record (the assessment or
 * the matcher moving a just-submitted application): the family asked for nothing that conflicts, so
 * it is tried again on what it re-reads, and only a record still changing after that is a 409.
 */
export async function cancelApplication(deps: Deps, actor: Actor, id: string, requestId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cancelOnce(deps, actor, id, requestId);
    } catch (err) {
      if (!(err instanceof TransactionConflictError) || attempt >= CANCEL_ATTEMPTS) throw err;
    }
  }
}

async function cancelOnce({ store, now }: Deps, actor: Actor, id: string, requestId: string) {
  const app = await loadApplicationFor(store, actor, id);
  if (isTerminal(APPLICATION_MACHINE, app.status)) {
    // Already cancelled: answering the same again makes the call safe to retry.
    if (app.status === 'CANCELLED') return app;
  }
  const at = now();
  const ops: TxOp[] = [];
  let releasedProviderId: string | undefined;
  let assignmentSummary = app.assignment;
  if (app.assignment && canTransition(ASSIGNMENT_MACHINE, app.assignment.status, 'CANCELLED')) {
    const assignment = await store.getAssignment(app.assignment.id);
    if (assignment && canTransition(ASSIGNMENT_MACHINE, assignment.status, 'CANCELLED')) {
      ops.push(store.replace('assignment', Assignments, { ...assignment, status: 'CANCELLED', updatedAt: at.toISOString() }, assignment.version));
      ops.push(store.release(assignment.providerId, assignment.units, assignment.pool));
      releasedProviderId = assignment.providerId;
      assignmentSummary = { ...app.assignment, status: 'CANCELLED' };
    }
  }
  let subsidySummary = app.subsidy;
  if (app.subsidy && canTransition(SUBSIDY_MACHINE, app.subsidy.status, 'CANCELLED')) {
    const subsidy = await store.getSubsidy(app.subsidy.id);
    if (subsidy && canTransition(SUBSIDY_MACHINE, subsidy.status, 'CANCELLED')) {
      ops.push(store.replace('subsidy', Subsidies, { ...subsidy, status: 'CANCELLED', updatedAt: at.toISOString() }, subsidy.version));
      subsidySummary = { ...app.subsidy, status: 'CANCELLED' };
    }
  }
  const next = moveApplication(
    app,
    'CANCELLED',
    at,
    { ...(assignmentSummary ? { assignment: assignmentSummary } : {}), ...(subsidySummary ? { subsidy: subsidySummary } : {}) },
    { note: 'Cancelled by the applicant', noteZh: '申请人已撤销申请', by: actor.sub },
  );
  ops.unshift(...applicationWrites(store, app, next));
  const event = newEvent(
    ApplicationCancelled,
    { applicationId: app.id, type: app.type, district: app.district, applicationStatus: 'CANCELLED', ...(releasedProviderId ? { releasedProviderId } : {}) },
    { correlationId: app.correlationId, causationId: requestId },
    `${app.id}:${app.version + 1}`,
    at,
  );
  await store.commit(ops, [event], at);
  return { ...next, version: app.version + 1 };
}
