import type { FieldPath, RecordFields } from '../../functions/domain/events/formats/format.js';

/** {@link RecordFields} over an object `JSON.parse` built: the reference the byte scanner's fields are tested against. */
export class ParsedFields implements RecordFields {
  private object: Record<string, unknown> = {};

  constructor(private paths: readonly FieldPath[]) {}

  reset(object: Record<string, unknown>, paths: readonly FieldPath[] = this.paths): this {
    this.object = object;
    this.paths = paths;
    return this;
  }

  private lookup(path: number): { found: boolean; value: unknown } {
    const steps = this.paths[path] ?? [];
    let current: unknown = this.object;
    for (const step of steps) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return NOT_FOUND;
      if (!Object.hasOwn(current, step)) return NOT_FOUND;
      current = (current as Record<string, unknown>)[step];
    }
    return { found: true, value: current };
  }

  has(path: number): boolean {
    return this.lookup(path).found;
  }

  isObject(path: number): boolean {
    const value = this.lookup(path).value;
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  value(path: number): unknown {
    return this.lookup(path).value;
  }

  parsed(): Record<string, unknown> {
    return this.object;
  }
}

const NOT_FOUND = { found: false, value: undefined } as const;
