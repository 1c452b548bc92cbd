import { describe, expect, it } from 'vitest';
import { redact } from './logger';

describe('log redaction', () => {
  it('masks sensitive keys whatever their value', () => {
    const line = JSON.stringify(
      { subject: { name: '王秀英', idNumber: '320113194403150426', phone: '13912345678', address: { street: '仙林街道' } }, status: 'SUBMITTED' },
      redact,
    );

    expect(line).not.toContain('320113194403150426');
    expect(line).not.toContain('13912345678');
    expect(line).not.toContain('仙林街道');
    expect(line).not.toContain('王秀英');
    expect(line).toContain('"status":"SUBMITTED"');
  });

  it("masks a person's name under its own key and inside an applicant, but keeps an error's name", () => {
    const line = JSON.stringify({ subjectName: '王秀英', applicant: { name: '王芳', relationship: 'child' }, error: { name: 'TransactionConflictError' } }, redact);

    expect(line).not.toContain('王秀英');
    expect(line).not.toContain('王芳');
    expect(line).toContain('TransactionConflictError');
  });

  it('masks ID and mobile numbers inside free text, such as an error message', () => {
    const line = JSON.stringify({ message: 'lookup failed for 32011319480601123X, call 13812345678' }, redact);

    expect(line).toBe('{"message":"lookup failed for [ID], call [PHONE]"}');
  });

  it('masks coordinates but keeps where in the code an error happened', () => {
    const line = JSON.stringify({ home: { location: { lat: 32.105, lng: 118.93 } }, error: { location: 'handler.ts:12' } }, redact);

    expect(line).not.toContain('32.105');
    expect(line).toContain('handler.ts:12');
  });

  it('leaves ordinary identifiers alone', () => {
    const line = JSON.stringify({ applicationId: '8b5da1c7-ddd6-4fcc-8e45-99fc7d3d7237', count: 12 }, redact);

    expect(line).toContain('8b5da1c7-ddd6-4fcc-8e45-99fc7d3d7237');
  });
});
