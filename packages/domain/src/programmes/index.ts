import { childcareProgramme } from './childcare';
import { homeVisitProgramme } from './home-visit';
import { mealProgramme } from './meal';
import type { Programme } from './programme';
import { retrofitProgramme } from './retrofit';

/**
 * The programme registry: one entry per application type, the only place that lists them. The
 * spine (use cases, store, views, pages) looks a programme up here by the application's `type` and
 * asks it; a new programme is a new module registered in this array (README: "Adding a programme").
 */
const REGISTERED = [mealProgramme, homeVisitProgramme, retrofitProgramme, childcareProgramme] as const;

export type ApplicationType = (typeof REGISTERED)[number]['type'];
export const APPLICATION_TYPES = REGISTERED.map((p) => p.type) as unknown as readonly [ApplicationType, ...ApplicationType[]];

type DeclarationOf<P> = P extends Programme<string, unknown, infer D> ? D : never;
type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
/**
 * What any provider record may carry beyond the shared fields: the union of every programme's
 * declaration (diets; services and streets covered), each field optional. Derived, never written.
 */
export type ProviderDeclaration = Partial<UnionToIntersection<DeclarationOf<(typeof REGISTERED)[number]>>>;

/** Every programme, as the spine sees it (needs and declarations are the programme's own business). */
export type AnyProgramme = Programme<ApplicationType, unknown, unknown>;
export const PROGRAMMES: readonly AnyProgramme[] = REGISTERED as unknown as readonly AnyProgramme[];

const byType = new Map<string, AnyProgramme>(PROGRAMMES.map((p) => [p.type, p]));

export function programmeOf(type: ApplicationType): AnyProgramme {
  const p = byType.get(type);
  if (!p) throw new Error(`No programme is registered for ${type}`);
  return p;
}

/** Types whose flow is built; the others are in the contract and answer "not open yet". */
export const OPEN_APPLICATION_TYPES: readonly ApplicationType[] = PROGRAMMES.filter((p) => p.open).map((p) => p.type);
/** Types whose supply–demand report is the optimal district-wide allocation (the programmes whose rounds are optimal). */
export const REPORT_TYPES = PROGRAMMES.filter((p) => p.rounds === 'optimal').map((p) => p.type) as unknown as readonly [ApplicationType, ...ApplicationType[]];
/** Types staff may run district-wide allocation rounds for. */
export const ROUND_TYPES = PROGRAMMES.filter((p) => p.rounds).map((p) => p.type) as unknown as readonly [ApplicationType, ...ApplicationType[]];

export * from './childcare';
export * from './home-visit';
export * from './meal';
export * from './programme';
export * from './retrofit';
