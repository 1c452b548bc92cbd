import { type AgeClass, checkCharFor, QIXIA_STREETS } from '@huimin/domain';
import { createSpatialIndex } from '@huimin/matching';
import type { ApplicationRecord, Pool, ProviderRecord } from '@huimin/store';
import { qixiaSampler, spreadCapacity } from '../../packages/matching/bench/generate';

/**
 * Generated records for a district-sized childcare round, shaped as the intake writes them, on the
 * geography of packages/matching/bench/generate.ts (`generateChildcareRound`): children placed like
 * residents (neighbourhoods of Qixia's streets), nurseries like providers, each child ranking up to
 * `preferences` of its nearest nurseries within 8 km, nearest first with an occasional swap of
 * neighbours. Places total `placesRatio` (default 65 %) of the children of each age class, spread
 * over the nurseries by size, so the round has losers.
 *
 * So that every priority rule of the childcare programme is exercised from the records (the round
 * computes the points itself):
 * - sibling: ~2 % of families have an older child ACTIVE (enrolled) at one of the nurseries they
 *   rank, through a record the round reads (same `familyKey`); ~3 % declared `siblingEnrolledAt` at intake;
 * - twins: ~2 % of children come in pairs sharing the family key (one lottery number), address and preferences;
 * - lowIncome ~12 %, childrenInFamily ≥ 2 for ~38 % (and every twin or sibling family), a parent
 *   working in the district ~60 %; nearby (≤ 1 km) follows from the geography;
 * - ~1 % have a standing exclusion at one of their nurseries (not considered there), ~1 % an expired one.
 */

export interface ChildcareDataSpec {
  children: number;
  nurseries: number;
  preferences?: number;
  seed?: number;
  district?: string;
  /** Places as a fraction of the children of each class. */
  placesRatio?: number;
  /** When the data is "now": start month is the next one, exclusions count from here. */
  at?: Date;
  /** Prefix of every id, so two data sets can share a table. */
  idPrefix?: string;
}

export interface ChildcareData {
  startMonth: string;
  /** WAITLISTED applications: what the round considers. */
  applications: ApplicationRecord[];
  /** ACTIVE applications of older brothers and sisters, enrolled at a nursery (sibling priority). */
  enrolledSiblings: ApplicationRecord[];
  providers: ProviderRecord[];
  stats: {
    places: number;
    placesByClass: Record<AgeClass, number>;
    childrenByClass: Record<AgeClass, number>;
    preferences: number;
    withinOneKm: number;
    twinPairs: number;
    siblingEnrolled: number;
    siblingAtIntake: number;
    lowIncome: number;
    multiChild: number;
    parentWorksInDistrict: number;
    standingExclusions: number;
  };
}

const CLASSES: readonly AgeClass[] = ['infant', 'toddler', 'older'];
/** Months of age (on the 1st of the start month) per class, `to` exclusive: the programme's policy. */
const CLASS_MONTHS: Record<AgeClass, [number, number]> = { infant: [6, 12], toddler: [12, 24], older: [24, 36] };
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭'];
const CHILD_GIVEN = ['子涵', '梓萱', '一诺', '浩宇', '欣怡', '宇轩', '诗涵', '沐宸', '若汐', '梓睿', '语桐', '俊熙'];
const DAY_MS = 86_400_000;

/** The next month in China (UTC+8), YYYY-MM. */
function nextMonthOf(at: Date): string {
  const china = new Date(at.getTime() + 8 * 3_600_000);
  return new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
}

/** A birth date at which the child is `months` completed months old on the 1st of `startMonth` (monthsOldAt). */
function birthDateFor(startMonth: string, months: number, day: number): string {
  const [y, m] = startMonth.split('-').map(Number) as [number, number];
  // Born on day 1: exactly `months`; born later in the month: one month earlier for the same age.
  const born = new Date(Date.UTC(y, m - 1 - months - (day > 1 ? 1 : 0), day));
  return born.toISOString().slice(0, 10);
}

function nearestStreet(lat: number, lng: number): string {
  let best = QIXIA_STREETS[0]!;
  let bestD = Number.POSITIVE_INFINITY;
  for (const s of QIXIA_STREETS) {
    const d = (s.lat - lat) ** 2 + (s.lng - lng) ** 2;
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  return best.name;
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

export function generateChildcareData(spec: ChildcareDataSpec): ChildcareData {
  const choices = spec.preferences ?? 5;
  const seed = spec.seed ?? 77;
  const district = spec.district ?? '320113';
  const placesRatio = spec.placesRatio ?? 0.65;
  const at = spec.at ?? new Date();
  const prefix = spec.idPrefix ?? `bench-${seed}`;
  const startMonth = nextMonthOf(at);
  const iso = at.toISOString();
  const sampler = qixiaSampler(seed);
  const { rnd } = sampler;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

  // Nurseries: placed like providers; places per class filled in below, once demand per class is known.
  const nurseryPoints = Array.from({ length: spec.nurseries }, (_, j) => {
    const [lat, lng] = sampler.provider();
    return { id: j, lat: round5(lat), lng: round5(lng) };
  });
  const index = createSpatialIndex(nurseryPoints);
  const providerIds = nurseryPoints.map((_, j) => `${prefix}-nursery-${String(j + 1).padStart(5, '0')}`);
  const providerStreets = nurseryPoints.map((p) => nearestStreet(p.lat, p.lng));
  const providerNames = nurseryPoints.map((_, j) => `${providerStreets[j]}第${j + 1}托育园`);
  /** Places held by enrolled siblings, per nursery and class. */
  const held = nurseryPoints.map(() => ({ infant: 0, toddler: 0, older: 0 }) as Record<AgeClass, number>);

  const stats: ChildcareData['stats'] = {
    places: 0,
    placesByClass: { infant: 0, toddler: 0, older: 0 },
    childrenByClass: { infant: 0, toddler: 0, older: 0 },
    preferences: 0,
    withinOneKm: 0,
    twinPairs: 0,
    siblingEnrolled: 0,
    siblingAtIntake: 0,
    lowIncome: 0,
    multiChild: 0,
    parentWorksInDistrict: 0,
    standingExclusions: 0,
  };
  const applications: ApplicationRecord[] = [];
  const enrolledSiblings: ApplicationRecord[] = [];

  let family = 0;
  while (applications.length < spec.children) {
    family++;
    const twins = applications.length + 1 < spec.children && rnd() < 0.01;
    const [lat0, lng0] = sampler.resident();
    const location = { lat: round5(lat0), lng: round5(lng0) };
    let near = index.nearest(location.lat, location.lng, choices, 8000);
    if (near.length === 0) near = index.nearest(location.lat, location.lng, 1);
    for (let k = 0; k + 1 < near.length; k++) {
      if (rnd() < 0.25) {
        const x = near[k]!;
        near[k] = near[k + 1]!;
        near[k + 1] = x;
      }
    }
    const preferences = near.map((c) => providerIds[c.index]!);
    const u = rnd();
    const capacityClass: AgeClass = u < 0.2 ? 'infant' : u < 0.55 ? 'toddler' : 'older';
    const [fromMonths, toMonths] = CLASS_MONTHS[capacityClass];
    const months = fromMonths + Math.floor(rnd() * (toMonths - fromMonths));
    const day = 1 + Math.floor(rnd() * 28);
    const birthDate = birthDateFor(startMonth, months, day);
    const familyKey = `${prefix}-family-${family}`;
    const phone = `139${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`;
    const street = nearestStreet(location.lat, location.lng);
    const lowIncome = rnd() < 0.12;
    const parentWorksInDistrict = rnd() < 0.6;
    const c = rnd();
    let childrenInFamily = c < 0.62 ? 1 : c < 0.92 ? 2 : 3;
    if (twins) childrenInFamily = Math.max(childrenInFamily, 2);

    // An older brother or sister enrolled at one of the ranked nurseries (a record the round reads)…
    const s = rnd();
    const enrolledAt = s < 0.02 ? Math.floor(rnd() * near.length) : -1;
    // …or one the family declared at intake (a nursery the system does not track children of).
    const declaredAt = s >= 0.02 && s < 0.05 ? Math.floor(rnd() * near.length) : -1;
    if (enrolledAt >= 0 || declaredAt >= 0) childrenInFamily = Math.max(childrenInFamily, twins ? 3 : 2);
    const e = rnd();
    const exclusions =
      e < 0.01
        ? [{ providerId: pick(preferences), until: new Date(at.getTime() + 200 * DAY_MS).toISOString() }]
        : e < 0.02
          ? [{ providerId: pick(preferences), until: new Date(at.getTime() - DAY_MS).toISOString() }]
          : [];
    const createdAt = new Date(at.getTime() - Math.floor(rnd() * 180 * DAY_MS)).toISOString();
    const needs: Record<string, unknown> = {
      preferences,
      startMonth,
      childrenInFamily,
      parentWorksInDistrict,
      ...(declaredAt >= 0 ? { siblingEnrolledAt: preferences[declaredAt] } : {}),
    };
    const surname = pick(SURNAMES);

    for (let t = 0; t < (twins ? 2 : 1); t++) {
      const n = applications.length + 1;
      const id = `${prefix}-child-${String(n).padStart(6, '0')}`;
      const first17 = `${district}${birthDate.replaceAll('-', '')}${String(n % 1000).padStart(3, '0')}`;
      applications.push({
        id,
        type: 'childcare',
        status: 'WAITLISTED',
        ownerSub: `${prefix}-parent-${family}`,
        district,
        street,
        createdAt,
        updatedAt: createdAt,
        version: 2,
        correlationId: id,
        applicant: { name: `${surname}女士`, phone, relationship: 'child' },
        subject: {
          name: `${surname}${pick(CHILD_GIVEN)}`,
          idNumber: first17 + checkCharFor(first17),
          birthDate,
          sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
          address: { district, street, location },
        },
        needs,
        familyKey,
        eligibility: {
          eligible: true,
          reasons: [],
          policyVersion: 'childcare-admission/2026.1',
          age: Math.floor(months / 12),
          lowIncome,
          demand: 1,
          priorityWeight: 1,
          capacityClass,
        },
        exclusions,
        history: [
          { at: createdAt, status: 'SUBMITTED', note: 'Application received', noteZh: '申请已受理' },
          { at: createdAt, status: 'WAITLISTED', note: 'Waiting for the next allocation round', noteZh: '等待下一轮统筹分配' },
        ],
      });
      stats.childrenByClass[capacityClass]++;
      stats.preferences += near.length;
      for (const c of near) if (c.distanceMetres <= 1000) stats.withinOneKm++;
      if (lowIncome) stats.lowIncome++;
      if (childrenInFamily >= 2) stats.multiChild++;
      if (parentWorksInDistrict) stats.parentWorksInDistrict++;
      if (declaredAt >= 0) stats.siblingAtIntake++;
      if (enrolledAt >= 0) stats.siblingEnrolled++;
      if (exclusions.length > 0 && exclusions[0]!.until > iso) stats.standingExclusions++;
    }
    if (twins) stats.twinPairs++;

    if (enrolledAt >= 0) {
      const j = near[enrolledAt]!.index;
      const sibClass: AgeClass = capacityClass === 'older' ? pick(['infant', 'toddler'] as const) : 'older';
      held[j]![sibClass]++;
      const id = `${prefix}-enrolled-${String(enrolledSiblings.length + 1).padStart(6, '0')}`;
      const [f, to] = CLASS_MONTHS[sibClass];
      const sibBirth = birthDateFor(startMonth, f + Math.floor(rnd() * (to - f)), 1);
      const first17 = `${district}${sibBirth.replaceAll('-', '')}${String(enrolledSiblings.length % 1000).padStart(3, '0')}`;
      const enrolledOn = new Date(at.getTime() - (200 + Math.floor(rnd() * 200)) * DAY_MS).toISOString();
      enrolledSiblings.push({
        id,
        type: 'childcare',
        status: 'ACTIVE',
        ownerSub: `${prefix}-parent-${family}`,
        district,
        street,
        createdAt: enrolledOn,
        updatedAt: enrolledOn,
        version: 5,
        correlationId: id,
        applicant: { name: `${surname}女士`, phone, relationship: 'child' },
        subject: {
          name: `${surname}${pick(CHILD_GIVEN)}`,
          idNumber: first17 + checkCharFor(first17),
          birthDate: sibBirth,
          sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
          address: { district, street, location },
        },
        needs: { preferences: [providerIds[j]!], startMonth: enrolledOn.slice(0, 7), childrenInFamily, parentWorksInDistrict },
        familyKey,
        eligibility: { eligible: true, reasons: [], policyVersion: 'childcare-admission/2026.1', age: 1, lowIncome, demand: 1, priorityWeight: 1, capacityClass: sibClass },
        assignment: {
          id: `${id}-assignment`,
          providerId: providerIds[j]!,
          providerName: providerNames[j]!,
          status: 'ACCEPTED',
          expiresAt: enrolledOn,
          distanceMetres: Math.round(near[enrolledAt]!.distanceMetres),
        },
        exclusions: [],
        history: [{ at: enrolledOn, status: 'ACTIVE', note: 'Place taken', noteZh: '已入托' }],
      });
    }
  }

  // Free places per class: `placesRatio` of that class's children, spread by nursery size (a size
  // weight per nursery, jittered per class); places held by enrolled siblings come on top.
  const size = Array.from({ length: spec.nurseries }, () => 0.5 + rnd());
  const free = {} as Record<AgeClass, Int32Array>;
  for (const cls of CLASSES) {
    const weight = Float64Array.from(size, (w) => w * (0.6 + 0.8 * rnd()));
    const weightSum = weight.reduce((a, b) => a + b, 0);
    free[cls] = spreadCapacity(weight, weightSum, Math.round(placesRatio * stats.childrenByClass[cls]), 0).capacity;
  }
  const createdAt = new Date(at.getTime() - 400 * DAY_MS).toISOString();
  const providers: ProviderRecord[] = nurseryPoints.map((p, j) => {
    const pools = Object.fromEntries(
      CLASSES.map((cls): [AgeClass, Pool] => {
        const available = free[cls][j]!;
        const reserved = held[j]![cls];
        stats.placesByClass[cls] += available;
        return [cls, { capacity: available + reserved, reserved, available }];
      }),
    ) as Record<AgeClass, Pool>;
    const total = (k: keyof Pool) => CLASSES.reduce((a, cls) => a + pools[cls][k], 0);
    return {
      id: providerIds[j]!,
      name: providerNames[j]!,
      kind: 'childcare',
      district,
      street: providerStreets[j]!,
      location: { lat: p.lat, lng: p.lng },
      capacity: total('capacity'),
      reserved: total('reserved'),
      available: total('available'),
      pools,
      phone: `025-8${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`.slice(0, 12),
      createdAt,
    };
  });
  stats.places = CLASSES.reduce((a, cls) => a + stats.placesByClass[cls], 0);
  return { startMonth, applications, enrolledSiblings, providers, stats };
}
