import { type IndexName, indexKeyAttributes, TABLE } from './table';

/**
 * Keys from one declarative model per entity (STYLE.md #12). An entity names its prefix and which
 * of its attributes, in order, make each key; nothing else in the code writes a key string.
 */
type Attr<T> = keyof T & string;
type Value = string | number;

interface IndexSpec<T> {
  pk: readonly Attr<T>[];
  sk: readonly Attr<T>[];
  /** Sparse index: the item carries this index's keys only when this holds. */
  when?: (item: T) => boolean;
}

export interface EntitySpec<T> {
  prefix: string;
  pk: readonly Attr<T>[];
  sk?: readonly Attr<T>[];
  indexes?: Partial<Record<IndexName, IndexSpec<T>>>;
}

export const KEY_SEPARATOR = '#';
const SEP = KEY_SEPARATOR;

function join(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(SEP);
}

export type Keys = Record<string, string>;

export class Entity<T extends object> {
  constructor(readonly spec: EntitySpec<T>) {}

  private pkValue(values: readonly unknown[]): string {
    return `${this.spec.prefix}${SEP}${join(values)}`;
  }

  /** What every partition key of this entity starts with. */
  get keyPrefix(): string {
    return `${this.spec.prefix}${SEP}`;
  }

  /** The table partition key from the partition attributes alone (a query over one partition). */
  partitionKey(values: Partial<T>): string {
    return this.pkValue(this.spec.pk.map((a) => required(values, a, this.spec.prefix)));
  }

  /** Primary key of the item holding `values`. */
  key(values: Partial<T>): Keys {
    const pick = (attrs: readonly Attr<T>[]) => attrs.map((a) => required(values, a, this.spec.prefix));
    const sk = this.spec.sk?.length ? join(pick(this.spec.sk)) : this.spec.prefix;
    return { [TABLE.partitionKey]: this.pkValue(pick(this.spec.pk)), [TABLE.sortKey]: sk };
  }

  /** The stored item: the record plus every key attribute derived from it. */
  toItem(record: T): Record<string, unknown> {
    const item: Record<string, unknown> = { ...record, entity: this.spec.prefix, ...this.key(record) };
    for (const [index, spec] of Object.entries(this.spec.indexes ?? {}) as [IndexName, IndexSpec<T>][]) {
      if (spec.when && !spec.when(record)) continue;
      const names = indexKeyAttributes(index);
      item[names.pk] = this.indexPk(index, record);
      item[names.sk] = join(spec.sk.map((a) => required(record, a, this.spec.prefix)));
    }
    return item;
  }

  fromItem(item: Record<string, unknown>): T {
    const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _1, gsi1sk: _2, gsi2pk: _3, gsi2sk: _4, gsi3pk: _5, gsi3sk: _6, ...rest } = item;
    return rest as T;
  }

  /** Partition value of `index` for a query. */
  indexPk(index: IndexName, values: Partial<T>): string {
    const spec = this.indexSpec(index);
    return `${this.spec.prefix}${SEP}${index}${SEP}${join(spec.pk.map((a) => required(values, a, this.spec.prefix)))}`;
  }

  /** Sort-key prefix of `index` from the leading sort attributes given (for begins_with). */
  indexSkPrefix(index: IndexName, values: Partial<T>): string | undefined {
    const parts: unknown[] = [];
    for (const a of this.indexSpec(index).sk) {
      if (values[a] === undefined) break;
      parts.push(values[a]);
    }
    return parts.length ? `${join(parts)}${SEP}` : undefined;
  }

  private indexSpec(index: IndexName): IndexSpec<T> {
    const spec = this.spec.indexes?.[index];
    if (!spec) throw new Error(`${this.spec.prefix} has no ${index}`);
    return spec;
  }
}

function required<T>(values: Partial<T>, attr: Attr<T>, entity: string): Value {
  const v = values[attr];
  if (v === undefined || v === null || v === '') throw new Error(`${entity} key needs ${attr}`);
  return v as Value;
}
