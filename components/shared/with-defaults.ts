/**
 * Merging optional arguments over defaults.
 */

/** A partial `T` whose fields may also be explicitly `undefined` (an optional argument passed straight through). */
export type Overrides<T> = { [K in keyof T]?: T[K] | undefined };

/**
 * `defaults` with every field of `overrides` that is set laid over it. Unlike `{ ...defaults, ...overrides }`, a
 * field that is `undefined` keeps its default, so callers can pass optional arguments through without
 * `...(x === undefined ? {} : { x })`.
 */
export function withDefaults<T extends object>(defaults: T, overrides: Overrides<T> | undefined): T {
  const merged: T = { ...defaults };
  for (const key of Object.keys(overrides ?? {}) as (keyof T)[]) {
    const value = overrides?.[key];
    if (value !== undefined) merged[key] = value as T[keyof T];
  }
  return merged;
}
