/**
 * A kubeconfig for the deployer of an Entra-only AKS cluster (`disableLocalAccounts`).
 *
 * `listManagedClusterUserCredentials(format: "exec")` returns a kubelogin exec config whose default
 * login is the interactive device code (pulumi-azure-native#2399). `pulumi up` must not prompt, so
 * the login is rewritten to a non-interactive one: `azurecli` (the Azure CLI session of a person or of
 * `azure/login` in CI) or `workloadidentity` (a runner with a federated token).
 */
import { parse, stringify } from "yaml";

/** Non-interactive kubelogin modes the platform supports. */
export type KubeloginMode = "azurecli" | "workloadidentity";

interface ExecUser {
  name?: string;
  user?: { exec?: { command?: string; args?: string[] } };
}

/**
 * Rewrites every kubelogin exec user of `kubeconfig` (YAML text) to `--login <mode>`, dropping
 * flags that only apply to other modes. Pure. Throws when the kubeconfig has no kubelogin user,
 * which means it is not an Entra-enabled AKS user credential.
 */
export function nonInteractiveKubeconfig(kubeconfig: string, mode: KubeloginMode = "azurecli"): string {
  const doc = parse(kubeconfig) as { users?: ExecUser[] };
  let rewritten = 0;
  for (const user of doc.users ?? []) {
    const exec = user.user?.exec;
    if (exec?.command !== "kubelogin" || exec.args === undefined) continue;
    const args: string[] = [];
    for (let i = 0; i < exec.args.length; i++) {
      const arg = exec.args[i] as string;
      // Drop the login mode and the device-code/SPN-only flags (and their values); keep server-id etc.
      if (["--login", "-l", "--client-id", "--tenant-id", "--environment"].includes(arg)) {
        i++;
        continue;
      }
      args.push(arg);
    }
    exec.args = [...args, "--login", mode];
    rewritten++;
  }
  if (rewritten === 0)
    throw new Error(
      "kubeconfig has no kubelogin exec user: expected an Entra-enabled AKS user credential (format exec)",
    );
  return stringify(doc);
}
