/**
 * The shared contracts (`@ai-platform/contracts`, in `packages/contracts/`) as the components use them: the model
 * reference, the schedule, the service environment names, the wire types and the data layout.
 *
 * Note: imported by path rather than by package name, so that `npm pack` compiles the contracts into `dist/` with
 * the components and the published package needs no second package.
 */
export * from "../packages/contracts/src/index";
