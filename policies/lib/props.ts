/**
 * Resource inputs as untyped rules read them (Kubernetes objects, several Azure types at once).
 * Values are whatever the program passed, behind the engine's unknown-checking proxy.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;
