import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { nonInteractiveKubeconfig } from "../../components/platform-kubeconfig";

const aks = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: "https://c.hcp.westeurope.azmk8s.io:443" }
users:
- name: clusterUser_rg_c
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, t1, --login, devicecode]
`;

describe("nonInteractiveKubeconfig", () => {
  it.each([
    ["azurecli", ["get-token", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630", "--login", "azurecli"]],
    [
      "workloadidentity",
      ["get-token", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630", "--login", "workloadidentity"],
    ],
  ] as const)("rewrites the device-code login to %s, keeping the server id", (mode, args) => {
    const doc = parse(nonInteractiveKubeconfig(aks, mode)) as {
      users: { user: { exec: { command: string; args: string[] } } }[];
      clusters: unknown[];
    };
    expect(doc.users[0]?.user.exec).toMatchObject({ command: "kubelogin", args });
    expect(doc.clusters).toEqual([{ name: "c", cluster: { server: "https://c.hcp.westeurope.azmk8s.io:443" } }]);
  });

  it("refuses a kubeconfig without a kubelogin user (local accounts, or not AKS)", () => {
    expect(() => nonInteractiveKubeconfig("users:\n- name: admin\n  user: { token: abc }\n")).toThrow(
      "kubeconfig has no kubelogin exec user",
    );
  });
});
