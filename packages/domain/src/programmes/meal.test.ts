import { describe, expect, it } from 'vitest';
import { evaluateMealEligibility, MEAL_POLICIES, type MealPolicy, type MealSubject, mealPolicyOn } from './meal';

// Midday in China, so the UTC calendar day the code reads is the day a resident would name.
const ON = new Date('2026-06-01T04:00:00Z');
const QIXIA = '320113';

/** A resident who turned `age` on 1 January of this year. */
function subjectAged(age: number, overrides: Partial<MealSubject> = {}): MealSubject {
  return { birthDate: `${ON.getUTCFullYear() - age}-01-01`, district: QIXIA, lowIncome: false, ...overrides };
}

const POLICY_2026 = MEAL_POLICIES.find((p) => p.version === '2026.1')!;

describe('evaluateMealEligibility: age bands', () => {
  it.each([
    { age: 59, eligible: false, perMeal: 0, status: null },
    { age: 60, eligible: true, perMeal: 0, status: null },
    { age: 69, eligible: true, perMeal: 0, status: null },
    { age: 70, eligible: true, perMeal: 3, status: 'PENDING' },
    { age: 79, eligible: true, perMeal: 3, status: 'PENDING' },
    { age: 80, eligible: true, perMeal: 5, status: 'PENDING' },
    { age: 89, eligible: true, perMeal: 5, status: 'PENDING' },
    { age: 90, eligible: true, perMeal: 8, status: 'PENDING' },
    { age: 104, eligible: true, perMeal: 8, status: 'PENDING' },
  ] as const)('at $age: eligible $eligible, $perMeal yuan per meal, subsidy $status', ({ age, eligible, perMeal, status }) => {
    // Prepare
    const subject = subjectAged(age);

    // Act
    const decision = evaluateMealEligibility(subject, ON);

    // Assess
    expect(decision).toMatchObject({ eligible, age, subsidyPerMeal: perMeal, subsidyStatus: status, policyVersion: 'meal-subsidy/2026.1' });
  });

  it('turns a resident eligible on their 60th birthday, not the day before', () => {
    // Prepare
    const subject: MealSubject = { birthDate: '1966-06-01', district: QIXIA, lowIncome: false };

    // Act
    const dayBefore = evaluateMealEligibility(subject, new Date('2026-05-31T04:00:00Z'));
    const birthday = evaluateMealEligibility(subject, new Date('2026-06-01T04:00:00Z'));

    // Assess
    expect(dayBefore).toMatchObject({ eligible: false, age: 59 });
    expect(birthday).toMatchObject({ eligible: true, age: 60 });
  });

  it('moves to the next band on the birthday', () => {
    // Prepare
    const subject: MealSubject = { birthDate: '1946-06-01', district: QIXIA, lowIncome: false };

    // Act
    const at79 = evaluateMealEligibility(subject, new Date('2026-05-31T04:00:00Z'));
    const at80 = evaluateMealEligibility(subject, new Date('2026-06-01T04:00:00Z'));

    // Assess
    expect(at79.subsidyPerMeal).toBe(3);
    expect(at80.subsidyPerMeal).toBe(5);
  });

  it('tells an under-age resident why, pointing at the ID number the age comes from', () => {
    // Act
    const decision = evaluateMealEligibility(subjectAged(59), ON);

    // Assess
    expect(decision.reasons).toContainEqual(
      expect.objectContaining({ rule: 'age', code: 'UNDER_MIN_AGE', field: 'subject.idNumber', messageZh: expect.stringContaining('60') }),
    );
    expect(decision.reasons.map((r) => r.code)).not.toContain('AGE_BAND_SUBSIDY');
  });

  it('gives 60–69 year-olds a place but no subsidy and no subsidy to approve', () => {
    // Act
    const decision = evaluateMealEligibility(subjectAged(65), ON);

    // Assess
    expect(decision).toMatchObject({ eligible: true, subsidyPerMeal: 0, subsidyStatus: null });
    expect(decision.reasons.map((r) => r.rule)).toEqual(['age', 'residence', 'bands[60–69]']);
  });
});

describe('evaluateMealEligibility: low-income registry (免申即享)', () => {
  it.each([
    { age: 65, perMeal: 5 },
    { age: 75, perMeal: 8 },
    { age: 85, perMeal: 10 },
    { age: 95, perMeal: 13 },
  ])('adds the supplement at $age and approves without a staff step', ({ age, perMeal }) => {
    // Prepare
    const subject = subjectAged(age, { lowIncome: true });

    // Act
    const decision = evaluateMealEligibility(subject, ON);

    // Assess
    expect(decision).toMatchObject({ eligible: true, subsidyPerMeal: perMeal, subsidyStatus: 'APPROVED' });
    expect(decision.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['lowIncomeSupplement', 'autoApproveLowIncome']));
    expect(decision.reasons.map((r) => r.code)).not.toContain('NEEDS_APPROVAL');
  });

  it('sends a low-income subsidy to staff when the policy does not auto-approve', () => {
    // Prepare
    const policy: MealPolicy = { ...POLICY_2026, autoApproveLowIncome: false };

    // Act
    const decision = evaluateMealEligibility(subjectAged(85, { lowIncome: true }), ON, policy);

    // Assess
    expect(decision).toMatchObject({ subsidyPerMeal: 10, subsidyStatus: 'PENDING' });
    expect(decision.reasons.map((r) => r.rule)).toContain('approval');
  });

  it('does not make an under-age resident eligible', () => {
    // Act
    const decision = evaluateMealEligibility(subjectAged(59, { lowIncome: true }), ON);

    // Assess
    expect(decision).toMatchObject({ eligible: false, subsidyPerMeal: 0, subsidyStatus: null });
  });
});

describe('evaluateMealEligibility: residence', () => {
  it.each(POLICY_2026.districts)('accepts district %s, which runs the programme', (district) => {
    // Act
    const decision = evaluateMealEligibility(subjectAged(82, { district }), ON);

    // Assess
    expect(decision.eligible).toBe(true);
  });

  it("refuses a district outside the programme, naming the address's district field", () => {
    // Prepare: Huai'an District is a known division, but not one that runs the programme.
    const subject = subjectAged(82, { district: '320803' });

    // Act
    const decision = evaluateMealEligibility(subject, ON);

    // Assess
    expect(decision).toMatchObject({ eligible: false, subsidyPerMeal: 0, subsidyStatus: null });
    expect(decision.reasons).toContainEqual(
      expect.objectContaining({ rule: 'residence', code: 'DISTRICT_NOT_IN_PROGRAMME', field: 'subject.address.district' }),
    );
  });
});

describe('evaluateMealEligibility: traceability', () => {
  it('records the policy version and, for each reason, the rule that produced it', () => {
    // Act
    const decision = evaluateMealEligibility(subjectAged(82), ON);

    // Assess
    expect(decision.policyVersion).toBe('meal-subsidy/2026.1');
    expect(decision.reasons.map((r) => [r.rule, r.code])).toEqual([
      ['age', 'AGE_OK'],
      ['residence', 'DISTRICT_OK'],
      ['bands[80–89]', 'AGE_BAND_SUBSIDY'],
      ['approval', 'NEEDS_APPROVAL'],
    ]);
  });

  it('gives every reason a message in English and in Chinese', () => {
    // Act
    const decisions = [subjectAged(59), subjectAged(95, { lowIncome: true }), subjectAged(75, { district: '320803' })].map((s) =>
      evaluateMealEligibility(s, ON),
    );

    // Assess
    for (const reason of decisions.flatMap((d) => d.reasons)) {
      expect(reason.message).toMatch(/[A-Za-z]/);
      expect(reason.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('records the version of a policy passed in, with its own figures', () => {
    // Prepare
    const policy: MealPolicy = { ...POLICY_2026, version: '2027.1', bands: [{ minAge: 60, perMeal: 4 }] };

    // Act
    const decision = evaluateMealEligibility(subjectAged(65), ON, policy);

    // Assess
    expect(decision).toMatchObject({ policyVersion: 'meal-subsidy/2027.1', subsidyPerMeal: 4, subsidyStatus: 'PENDING' });
    expect(decision.reasons.map((r) => r.rule)).toContain('bands[60+]');
  });
});

describe('mealPolicyOn', () => {
  // Listed newest first on purpose: the choice must come from the dates, not from the order.
  const policies: readonly MealPolicy[] = [
    { ...POLICY_2026, version: '2026.2', effectiveFrom: '2026-07-01' },
    { ...POLICY_2026, version: '2025.1', effectiveFrom: '2025-01-01' },
  ];

  it.each([
    ['the first day of the older version', '2025-01-01T04:00:00Z', '2025.1'],
    ['the day before the newer version', '2026-06-30T04:00:00Z', '2025.1'],
    ['the first day of the newer version', '2026-07-01T04:00:00Z', '2026.2'],
    ['long after both', '2030-01-01T04:00:00Z', '2026.2'],
  ])('picks the latest policy in force on %s', (_label, on, version) => {
    // Act
    const policy = mealPolicyOn(new Date(on), policies);

    // Assess
    expect(policy.version).toBe(version);
  });

  it('throws before any policy is in force', () => {
    // Act
    const attempt = () => mealPolicyOn(new Date('2024-12-31T04:00:00Z'), policies);

    // Assess
    expect(attempt).toThrow(/No meal-subsidy policy is in force on 2024-12-31/);
  });

  it('uses the published policies by default', () => {
    // Act
    const inForce = mealPolicyOn(new Date('2026-03-01T04:00:00Z'));
    const before = () => mealPolicyOn(new Date('2025-12-31T04:00:00Z'));

    // Assess
    expect(inForce.version).toBe('2026.1');
    expect(before).toThrow(Error);
  });

  it('is what evaluateMealEligibility applies when no policy is passed', () => {
    // Act
    const attempt = () => evaluateMealEligibility(subjectAged(82), new Date('2025-06-01T04:00:00Z'));

    // Assess
    expect(attempt).toThrow(/No meal-subsidy policy/);
  });
});
