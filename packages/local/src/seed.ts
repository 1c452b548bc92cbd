import {
  APPLICATION_STATUS_LABELS,
  type ApplicationType,
  checkCharFor,
  DEMO_DISTRICT,
  DIETS,
  DISTRICTS,
  type Diet,
  HOME_VISIT_SERVICES,
  type HomeVisitService,
  programmeOf,
  QIXIA_STREETS,
  recordedEligibility,
} from '@huimin/domain';
import { haversineMetres, mulberry32 } from '@huimin/matching';
import { type ApplicationRecord, Applications, OpenApplications, type ProviderRecord, Providers, type Store, TransactionConflictError, type TxOp } from '@huimin/store';

/**
 * Demo data for Qixia District, Nanjing: meal points in every street (more in the populous ones),
 * and a few home-visit organisations, retrofit contractors and nurseries. Positions are jittered
 * around street centroids with a fixed seed, so every run has the same data.
 */
export const EXAMPLE_LOCATION = { lat: 32.105, lng: 118.93 };
/** CONTRACT.md's minimal meal application: an 82-year-old woman in Xianlin Street. */
export const EXAMPLE_APPLICATION = {
  type: 'meal',
  applicant: { name: '王芳', phone: '13912345678' },
  subject: { name: '王秀英', idNumber: '320113194403150426', address: { district: '320113', street: '仙林街道', location: { lat: 32.105, lng: 118.93 } } },
};
/** The meal point nearest the CONTRACT.md example resident; the demo provider token acts for it. */
export const DEMO_PROVIDER_ID = 'meal-320113-xianlin-01';
/** The home-visit organisation covering Xianlin Street (the example resident's); the demo home-visit token acts for it. */
export const DEMO_HOME_VISIT_PROVIDER_ID = 'home-visit-320113-yikang';
/** The demo grid worker's street. */
export const DEMO_GRID_STREET = '仙林街道';

/**
 * Home-visit organisations: together they cover all nine streets, unevenly — the old urban streets
 * have two organisations, the island and the outskirts one small one — with hours a month that fall
 * short of demand where older residents are most numerous.
 */
const HOME_VISIT_ORGANISATIONS: { slug: string; name: string; base: string; streets: string[]; hoursPerMonth: number; services: readonly HomeVisitService[] }[] = [
  { slug: 'yikang', name: '栖霞区颐康居家养老服务中心', base: '仙林街道', streets: ['仙林街道', '马群街道'], hoursPerMonth: 400, services: HOME_VISIT_SERVICES },
  { slug: 'huimin', name: '迈皋桥街道惠民上门护理站', base: '迈皋桥街道', streets: ['迈皋桥街道', '燕子矶街道'], hoursPerMonth: 320, services: ['bathing', 'cleaning', 'medical-escort', 'rehabilitation', 'companionship', 'emergency-call'] },
  { slug: 'linli', name: '尧化街道邻里居家服务社', base: '尧化街道', streets: ['尧化街道', '迈皋桥街道', '栖霞街道'], hoursPerMonth: 240, services: ['cleaning', 'meal-delivery', 'companionship', 'emergency-call'] },
  { slug: 'anyang', name: '燕子矶安养上门服务部', base: '燕子矶街道', streets: ['燕子矶街道', '马群街道'], hoursPerMonth: 160, services: ['bathing', 'cleaning', 'meal-delivery', 'medical-escort'] },
  { slug: 'longtan', name: '龙潭街道居家养老服务站', base: '龙潭街道', streets: ['龙潭街道', '栖霞街道', '西岗街道'], hoursPerMonth: 120, services: ['cleaning', 'meal-delivery', 'companionship', 'emergency-call', 'medical-escort'] },
  { slug: 'baguazhou', name: '八卦洲街道为老服务社', base: '八卦洲街道', streets: ['八卦洲街道'], hoursPerMonth: 60, services: ['cleaning', 'meal-delivery', 'companionship'] },
];

/**
 * Nurseries (普惠托育机构) of Qixia: few infant places, as in real nurseries (乳儿班 need more staff
 * per child), and fewer places than the demo waitlist asks for, so a round has children who miss out.
 */
const NURSERIES: { slug: string; name: string; street: string; places: Record<'infant' | 'toddler' | 'older', number> }[] = [
  { slug: 'xianlin', name: '仙林街道普惠托育中心', street: '仙林街道', places: { infant: 4, toddler: 10, older: 12 } },
  { slug: 'xianlin-hu', name: '仙林湖社区嵌入式托育点', street: '仙林街道', places: { infant: 2, toddler: 6, older: 8 } },
  { slug: 'maqun', name: '马群社区嵌入式托育点', street: '马群街道', places: { infant: 2, toddler: 6, older: 8 } },
  { slug: 'maigaoqiao', name: '迈皋桥街道小苗苗托育园', street: '迈皋桥街道', places: { infant: 4, toddler: 8, older: 12 } },
  { slug: 'yaohua', name: '尧化街道普惠托育园', street: '尧化街道', places: { infant: 2, toddler: 8, older: 10 } },
  { slug: 'longtan', name: '龙潭街道普惠托育中心', street: '龙潭街道', places: { infant: 2, toddler: 6, older: 8 } },
];
/** The nursery the demo nursery token acts for. */
export const DEMO_NURSERY_ID = `childcare-${DEMO_DISTRICT}-xianlin`;

const ORDINALS = ['一', '二', '三', '四', '五', '六'];
/** How many meal points each street has: more where more older people live. */
const MEAL_POINTS_PER_STREET: Record<string, number> = { 仙林街道: 5, 马群街道: 3, 尧化街道: 3, 迈皋桥街道: 4, 燕子矶街道: 3, 栖霞街道: 2, 龙潭街道: 2, 八卦洲街道: 1, 西岗街道: 2 };

const places = (capacity: number) => ({ capacity, reserved: 0, available: capacity });

export function demoProviders(now = new Date()): ProviderRecord[] {
  const rand = mulberry32(20261127);
  const createdAt = now.toISOString();
  const out: ProviderRecord[] = [];
  const jitter = (centre: number, km: number) => centre + (rand() - 0.5) * 2 * (km / 111);
  const pickDiets = (): Diet[] => DIETS.filter(() => rand() < 0.5);
  for (const street of QIXIA_STREETS) {
    const n = MEAL_POINTS_PER_STREET[street.name] ?? 2;
    for (let i = 0; i < n; i++) {
      const slug = street.nameEn.toLowerCase();
      const id = `meal-${DEMO_DISTRICT}-${slug}-${String(i + 1).padStart(2, '0')}`;
      // The first two Xianlin points sit within 1 km of the example resident (CONTRACT.md).
      const fixed =
        id === DEMO_PROVIDER_ID
          ? { lat: 32.1082, lng: 118.9318, diets: [...DIETS] }
          : id === `meal-${DEMO_DISTRICT}-xianlin-02`
            ? { lat: 32.1004, lng: 118.9331, diets: ['soft', 'low-salt', 'diabetic'] as Diet[] }
            : undefined;
      out.push({
        id,
        name: `${street.name}第${ORDINALS[i] ?? i + 1}社区助餐点`,
        kind: 'meal',
        district: DEMO_DISTRICT,
        street: street.name,
        location: fixed ? { lat: fixed.lat, lng: fixed.lng } : { lat: Number(jitter(street.lat, 1.2).toFixed(5)), lng: Number(jitter(street.lng, 1.2).toFixed(5)) },
        ...places(20 + Math.floor(rand() * 5) * 10),
        diets: fixed?.diets ?? pickDiets(),
        createdAt,
      });
    }
  }
  for (const org of HOME_VISIT_ORGANISATIONS) {
    const street = QIXIA_STREETS.find((s) => s.name === org.base) ?? QIXIA_STREETS[0]!;
    out.push({
      id: `home-visit-${DEMO_DISTRICT}-${org.slug}`,
      name: org.name,
      kind: 'home-visit',
      district: DEMO_DISTRICT,
      street: street.name,
      location: { lat: Number(jitter(street.lat, 1).toFixed(5)), lng: Number(jitter(street.lng, 1).toFixed(5)) },
      ...places(org.hoursPerMonth),
      services: [...org.services],
      streets: org.streets,
      phone: `025-8${String(Math.floor(rand() * 1e6)).padStart(6, '0')}`.slice(0, 12),
      createdAt,
    });
  }
  // Retrofit contractors: a few concurrent jobs each, covering the streets around their base.
  const contractors: [string, string, string[], number][] = [
    ['马群街道', '南京安居适老化改造工程有限公司', ['马群街道', '仙林街道', '尧化街道', '栖霞街道', '西岗街道'], 4],
    ['燕子矶街道', '燕子矶无障碍家居改造服务部', ['燕子矶街道', '迈皋桥街道', '八卦洲街道', '龙潭街道'], 3],
  ];
  contractors.forEach(([streetName, name, streets, jobs], i) => {
    const street = QIXIA_STREETS.find((s) => s.name === streetName) ?? QIXIA_STREETS[0]!;
    out.push({
      id: `retrofit-${DEMO_DISTRICT}-${String(i + 1).padStart(2, '0')}`,
      name,
      kind: 'retrofit',
      district: DEMO_DISTRICT,
      street: street.name,
      location: { lat: Number(jitter(street.lat, 1).toFixed(5)), lng: Number(jitter(street.lng, 1).toFixed(5)) },
      ...places(jobs),
      streets,
      phone: `025-8${String(Math.floor(rand() * 1e6)).padStart(6, '0')}`.slice(0, 12),
      createdAt,
    });
  });
  for (const n of NURSERIES) {
    const street = QIXIA_STREETS.find((s) => s.name === n.street) ?? QIXIA_STREETS[0]!;
    const pools = Object.fromEntries(Object.entries(n.places).map(([c, k]) => [c, places(k)]));
    out.push({
      id: `childcare-${DEMO_DISTRICT}-${n.slug}`,
      name: n.name,
      kind: 'childcare',
      district: DEMO_DISTRICT,
      street: street.name,
      location: { lat: Number(jitter(street.lat, 0.8).toFixed(5)), lng: Number(jitter(street.lng, 0.8).toFixed(5)) },
      ...places(Object.values(n.places).reduce((a, b) => a + b, 0)),
      pools,
      phone: `025-8${String(Math.floor(rand() * 1e6)).padStart(6, '0')}`.slice(0, 12),
      createdAt,
    });
  }
  // Contact details come last, without drawing on the generator, so positions stay as they were.
  return out.map((p, i) => ({
    ...p,
    address: `${ROADS[p.street] ?? p.street} ${(i * 7) % 180 + 1} 号`,
    openingHours: OPENING_HOURS[p.kind],
    phone: p.phone ?? `025-85${String(310_000 + i * 173).slice(0, 6)}`,
  }));
}

/** A main road of each demo street, for the demo providers' addresses. */
const ROADS: Record<string, string> = {
  仙林街道: '文苑路',
  马群街道: '马群街',
  尧化街道: '尧化路',
  迈皋桥街道: '和燕路',
  燕子矶街道: '燕子矶路',
  栖霞街道: '栖霞街',
  龙潭街道: '龙潭中路',
  八卦洲街道: '八卦洲大道',
  西岗街道: '西岗路',
};
const OPENING_HOURS: Record<ApplicationType, string> = {
  meal: '每天 10:30–13:00、16:30–18:30',
  'home-visit': '每天 8:00–20:00，上门时间电话预约',
  retrofit: '周一至周六 9:00–17:30',
  childcare: '周一至周五 7:30–17:30',
};

/** Writes the demo providers (skipping ones that exist, so a persisted run keeps its counts). */
export async function seedProviders(store: Store, providers = demoProviders()): Promise<number> {
  let written = 0;
  for (let i = 0; i < providers.length; i += 25) {
    const batch = providers.slice(i, i + 25);
    await Promise.all(
      batch.map(async (p) => {
        if (await createIfAbsent(store, store.create('provider', Providers, p))) written++;
      }),
    );
  }
  return written;
}

async function createIfAbsent(store: Store, op: TxOp): Promise<boolean> {
  try {
    await store.commit([op]);
    return true;
  } catch (err) {
    if (err instanceof TransactionConflictError) return false;
    throw err;
  }
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭'];
const GIVEN = ['秀英', '桂兰', '建国', '玉兰', '德明', '淑珍', '志强', '凤英', '国华', '美华', '永福', '金凤', '学文', '兰英'];
/** Where older residents live: the old urban streets more than the island and the outskirts. */
const WAITLIST_WEIGHTS: Record<string, number> = { 仙林街道: 14, 马群街道: 10, 尧化街道: 12, 迈皋桥街道: 22, 燕子矶街道: 14, 栖霞街道: 8, 龙潭街道: 9, 八卦洲街道: 5, 西岗街道: 6 };

/** Children's names for the childcare list. */
const CHILD_GIVEN = ['子涵', '梓萱', '一诺', '浩宇', '欣怡', '宇轩', '诗涵', '沐宸', '若汐', '梓睿', '语桐', '俊熙'];

interface DemoPerson {
  /** Birth date as [year, month, day]. */
  born: [number, number, number];
  name: string;
  needs: Record<string, unknown>;
  relationship: 'child' | 'self';
}

/** Who is on each programme's paper waiting list, and what they asked for. */
const DEMO_PEOPLE = {
  meal: (rand: () => number): DemoPerson => ({
    born: [1930 + Math.floor(rand() * 36), 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)],
    name: `${SURNAMES[Math.floor(rand() * SURNAMES.length)]}${GIVEN[Math.floor(rand() * GIVEN.length)]}`,
    needs: { diets: DIETS.filter((d) => rand() < (d === 'halal' ? 0.03 : d === 'soft' ? 0.2 : 0.12)) },
    relationship: 'child',
  }),
  // Care levels 0–4 in roughly the proportions assessments find among applicants: most mildly impaired.
  'home-visit': (rand: () => number): DemoPerson => {
    const person = DEMO_PEOPLE.meal(rand);
    const r = rand();
    const careLevel = r < 0.15 ? 0 : r < 0.5 ? 1 : r < 0.75 ? 2 : r < 0.92 ? 3 : 4;
    const services = HOME_VISIT_SERVICES.filter((s) => rand() < (s === 'cleaning' ? 0.7 : s === 'bathing' ? 0.35 : s === 'rehabilitation' ? 0.08 : 0.2));
    return { ...person, needs: { services: services.length > 0 ? services : ['companionship'], careLevel } };
  },
  // Children from 7 to 33 months old next month, ranking two to five nurseries, nearest first more often than not.
  childcare: (rand: () => number, at: { location: { lat: number; lng: number }; now: Date }): DemoPerson => {
    const start = new Date(Date.UTC(at.now.getUTCFullYear(), at.now.getUTCMonth() + 1, 1));
    const born = new Date(start.getTime() - (7 + rand() * 26) * 30.4 * 86_400_000);
    const ranked = NURSERIES.map((n) => {
      const street = QIXIA_STREETS.find((s) => s.name === n.street)!;
      return { id: `childcare-${DEMO_DISTRICT}-${n.slug}`, d: haversineMetres(at.location, street) * (0.7 + rand() * 0.6) };
    }).sort((a, b) => a.d - b.d);
    const count = 2 + Math.floor(rand() * 4);
    return {
      born: [born.getUTCFullYear(), born.getUTCMonth() + 1, born.getUTCDate()],
      name: `${SURNAMES[Math.floor(rand() * SURNAMES.length)]}${CHILD_GIVEN[Math.floor(rand() * CHILD_GIVEN.length)]}`,
      needs: {
        preferences: ranked.slice(0, count).map((n) => n.id),
        startMonth: start.toISOString().slice(0, 7),
        childrenInFamily: rand() < 0.35 ? 2 : rand() < 0.1 ? 3 : 1,
        parentWorksInDistrict: rand() < 0.6,
      },
      relationship: 'child',
    };
  },
} satisfies Partial<Record<ApplicationType, (rand: () => number, at: { location: { lat: number; lng: number }; now: Date }) => DemoPerson>>;
export type DemoWaitlistType = keyof typeof DEMO_PEOPLE;

/**
 * A waitlist carried over from paper records before the system went live: residents already
 * assessed (by the policy in force of the programme) and waiting, clustered in neighbourhoods of
 * each street. It is what a district-wide allocation round and the supply–demand report have to work
 * on in a demo. Residents the policy would not serve are left out, as a paper list would not hold them.
 */
export function demoWaitlist(count: number, now = new Date(), seed = 60_113, type: DemoWaitlistType = 'meal'): ApplicationRecord[] {
  const programme = programmeOf(type);
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const total = Object.values(WAITLIST_WEIGHTS).reduce((a, b) => a + b, 0);
  const out: ApplicationRecord[] = [];
  for (const street of QIXIA_STREETS) {
    const n = Math.round((count * (WAITLIST_WEIGHTS[street.name] ?? 5)) / total);
    // Three neighbourhoods per street, each a gaussian cluster about 500 m wide.
    const hoods = [0, 1, 2].map(() => ({ lat: street.lat + gauss() * 0.008, lng: street.lng + gauss() * 0.009 }));
    for (let i = 0; i < n && out.length < count; i++) {
      const hood = hoods[i % 3]!;
      const location = { lat: Number((hood.lat + gauss() * 0.003).toFixed(5)), lng: Number((hood.lng + gauss() * 0.0035).toFixed(5)) };
      const person = DEMO_PEOPLE[type](rand, { location, now });
      const [year, month, day] = person.born;
      const first17 = `${DEMO_DISTRICT}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(Math.floor(rand() * 1000)).padStart(3, '0')}`;
      const idNumber = first17 + checkCharFor(first17);
      const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const lowIncome = rand() < 0.12;
      const decision = programme.assess({ birthDate, district: DEMO_DISTRICT, street: street.name, lowIncome, needs: person.needs }, now);
      if (!decision.eligible) continue;
      const id = `demo-${type === 'meal' ? '' : `${type}-`}${street.nameEn.toLowerCase()}-${String(i + 1).padStart(4, '0')}`;
      const createdAt = new Date(now.getTime() - Math.floor(rand() * 90) * 86_400_000).toISOString();
      const name = person.name;
      out.push({
        id,
        type,
        status: 'WAITLISTED',
        ownerSub: `demo-family-${id}`,
        district: DEMO_DISTRICT,
        street: street.name,
        createdAt,
        updatedAt: createdAt,
        version: 1,
        correlationId: id,
        applicant: { name: `${name.slice(0, 1)}女士`, phone: `139${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`, relationship: person.relationship },
        subject: {
          name,
          idNumber,
          birthDate,
          sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
          address: { district: DEMO_DISTRICT, street: street.name, location },
        },
        needs: person.needs,
        eligibility: recordedEligibility(decision, lowIncome),
        exclusions: [],
        history: [
          { at: createdAt, status: 'WAITLISTED', note: 'Carried over from the paper waiting list', noteZh: `由纸质排队名单导入（${APPLICATION_STATUS_LABELS.WAITLISTED.zh}）` },
        ],
      });
    }
  }
  return out;
}

/**
 * Writes the demo waitlist once (a persisted restart finds it there and leaves it as it is), with
 * each person's open-application slot, so applying again for a resident already waiting answers 409
 * as it would for anyone else.
 */
export async function seedWaitlist(store: Store, apps: ApplicationRecord[]): Promise<number> {
  const first = apps[0];
  if (!first || (await store.getApplication(first.id))) return 0;
  const withKeys = apps.map((app) => ({ ...app, openKey: store.openApplicationKey(app.subject.idNumber), familyKey: store.familyKey(app.applicant.phone) }));
  // Two paper lists can hold the same person (the generator draws birth dates and sequences at random): keep the first.
  const seen = new Set<string>();
  const unique = withKeys.filter((app) => !seen.has(`${app.type}#${app.openKey}`) && seen.add(`${app.type}#${app.openKey}`));
  await store.putAll(
    OpenApplications,
    unique.map((app) => ({ type: app.type, idHash: app.openKey, applicationId: app.id, createdAt: app.createdAt })),
  );
  return store.putAll(Applications, unique);
}

/**
 * The demo's waiting lists: `count` residents for meals, half as many for home visits (each asking a
 * month's hours), and a fifth as many children for nursery places (more than the nurseries have).
 */
export async function seedDemoWaitlists(store: Store, count: number): Promise<void> {
  await seedWaitlist(store, demoWaitlist(count));
  await seedWaitlist(store, demoWaitlist(Math.round(count / 2), undefined, 60_114, 'home-visit'));
  await seedWaitlist(store, demoWaitlist(Math.round(count / 5), undefined, 60_115, 'childcare'));
}

/** One person the local sign-in page lists: the claims of POST /local/token plus the name people see. */
export interface DemoIdentity {
  role: 'family' | 'provider' | 'staff' | 'grid';
  sub: string;
  name: string;
  nameEn?: string;
  providerId?: string;
  kind?: ApplicationType;
  /** The programme's name, for the sign-in page to group providers by (never a type name in a page). */
  kindName?: { zh: string; en: string };
  district?: string;
  street?: string;
}

const DEMO_FAMILIES: DemoIdentity[] = [
  { role: 'family', sub: 'demo-family', name: '王芳', nameEn: 'Wang Fang (daughter of 王秀英)' },
  { role: 'family', sub: 'demo-family-li', name: '李建国', nameEn: 'Li Jianguo' },
  { role: 'family', sub: 'demo-family-zhao', name: '赵敏', nameEn: 'Zhao Min (parent of a toddler)' },
];
const GRID_WORKERS = ['刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马'];

/**
 * Everyone the local sign-in page offers: the demo families, every demo provider by name, staff of
 * each district and a grid worker (网格员) per street of the demo district. The demo tokens of the
 * stack (`demo-family`, `demo-staff`, `demo-grid`) are among them.
 */
export function demoIdentities(providers: readonly ProviderRecord[] = demoProviders()): DemoIdentity[] {
  return [
    ...DEMO_FAMILIES,
    ...providers.map((p): DemoIdentity => ({ role: 'provider', sub: `demo-${p.id}`, name: p.name, providerId: p.id, kind: p.kind, kindName: programmeOf(p.kind).name, district: p.district })),
    ...DISTRICTS.map((d): DemoIdentity => ({
      role: 'staff',
      sub: d.code === DEMO_DISTRICT ? 'demo-staff' : `demo-staff-${d.code}`,
      name: `${d.name}民政局`,
      nameEn: `${d.nameEn} civil affairs`,
      district: d.code,
    })),
    ...QIXIA_STREETS.map((s, i): DemoIdentity => ({
      role: 'grid',
      sub: s.name === DEMO_GRID_STREET ? 'demo-grid' : `demo-grid-${i + 1}`,
      name: `${s.name}网格员 ${GRID_WORKERS[i % GRID_WORKERS.length]}`,
      nameEn: `Grid worker, ${s.nameEn}`,
      district: DEMO_DISTRICT,
      street: s.name,
    })),
  ];
}
