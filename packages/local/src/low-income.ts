import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { findDistrict, parseIdNumber } from '@huimin/domain';
import type { Store } from '@huimin/store';
import { z } from 'zod';

/**
 * Imports a district's low-income registry (低保/特困) from CSV (`district,idNumber[,name]`) or
 * JSON (`[{district, idNumber}]`). Residents on it get meal subsidies without applying for them
 * (免申即享). Every row is checked before anything is written; the store keeps only hashes.
 */
const rowSchema = z.object({ district: z.string(), idNumber: z.string() });

export function parseRegistry(text: string, format: 'csv' | 'json'): { district: string; idNumber: string }[] {
  let rows: unknown[];
  if (format === 'json') {
    rows = z.array(z.unknown()).parse(JSON.parse(text));
  } else {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
    rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i] ?? `c${i}`, v.trim()])));
  }
  return rows.map((raw, i) => {
    const row = rowSchema.parse(raw);
    if (!findDistrict(row.district)) throw new Error(`row ${i + 1}: unknown district ${row.district}`);
    if (!parseIdNumber(row.idNumber).ok) throw new Error(`row ${i + 1}: ID number is not valid`);
    return { district: row.district, idNumber: row.idNumber.toUpperCase() };
  });
}

export async function importRegistryFile(store: Store, file: string): Promise<number> {
  const rows = parseRegistry(await readFile(file, 'utf8'), extname(file) === '.json' ? 'json' : 'csv');
  const byDistrict = new Map<string, string[]>();
  for (const r of rows) byDistrict.set(r.district, [...(byDistrict.get(r.district) ?? []), r.idNumber]);
  let n = 0;
  for (const [district, ids] of byDistrict) n += await store.importLowIncomeRegistry(district, ids, file.split('/').pop() ?? file);
  return n;
}
