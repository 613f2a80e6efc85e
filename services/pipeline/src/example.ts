/** The example policy `npm start` sets for the demo model (a file users can copy). */
import { fileURLToPath } from "node:url";

/** Absolute path of `examples/iris.policy.yaml`. */
export const pipelinePolicyExample = fileURLToPath(new URL("../examples/iris.policy.yaml", import.meta.url));
