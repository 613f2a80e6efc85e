// The console workload under mocks: exact security-relevant inputs, the policy pack at mandatory level, upstream
// schemas, and the validation of its arguments.
import { beforeAll, describe, expect, it } from "vitest";
import { PlatformConsole, planConsolePod, type PlatformConsoleArgs } from "../../components/kubernetes";
import { rules } from "../../policies/rules";
import { evaluate } from "../../tools/check/engine";
import { installMocks, settle } from "../support/pulumi-mocks";
import { validateAllUpstream } from "./schema";
import {
  CLIENT_ID,
  CONNECTION,
  DIGEST,
  TENANT_ID,
  countByType,
  kubernetesObjects,
  restrictedViolations,
  testProvider,
} from "./fixtures";

const GROUP = "44444444-4444-4444-a444-444444444444";
const args: PlatformConsoleArgs = {
  namespace: "ai-platform",
  image: `acrplatform.azurecr.io/console@sha256:${DIGEST}`,
  proxyImage: `acrplatform.azurecr.io/oauth2-proxy@sha256:${DIGEST}`,
  identityClientId: CLIENT_ID,
  tenantId: TENANT_ID,
  signInClientId: "55555555-5555-4555-a555-555555555555",
  operatorGroupId: GROUP,
  connection: CONNECTION,
  inferenceUrl: "http://inference.ai-platform.svc.cluster.local",
  inferencePodLabels: { "app.kubernetes.io/name": "inference", "app.kubernetes.io/instance": "w-inference" },
  inferencePort: 8080,
};

beforeAll(async () => {
  await installMocks();
  new PlatformConsole("console", args, { provider: testProvider() });
  await settle();
});

describe("PlatformConsole", () => {
  it("creates exactly its Deployment, internal Service, two NetworkPolicies, cookie Secret and ServiceAccount", () => {
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({
      "kubernetes:apps/v1:Deployment": 1,
      "kubernetes:core/v1:Service": 1,
      "kubernetes:core/v1:Secret": 1,
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": 2,
    });
    const service = objects.find((r) => r.type === "kubernetes:core/v1:Service");
    expect(service?.inputs.spec.type).toBe("ClusterIP");
    const typed = objects.filter((r) => r.type !== "kubernetes:core/v1:Secret");
    expect(validateAllUpstream(typed)).toBe(typed.length);
  });

  it("the console listens on loopback only behind the Entra sign-in proxy, and only the operator group acts", () => {
    const deployment = kubernetesObjects().find((r) => r.type === "kubernetes:apps/v1:Deployment");
    const pod = deployment?.inputs.spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    const [consoleC, proxy] = pod.containers;
    const env = Object.fromEntries(consoleC.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect([env.HOST, env.CONSOLE_PORT, env.CONSOLE_AUTH, env.CONSOLE_OPERATOR_GROUP]).toEqual([
      "127.0.0.1",
      "8081",
      "proxy",
      GROUP,
    ]);
    expect(consoleC.ports).toBeUndefined();
    expect(proxy.ports).toEqual([{ name: "http", containerPort: 4180, protocol: "TCP" }]);
    expect(proxy.args).toEqual(
      expect.arrayContaining([
        "--provider=entra-id",
        `--oidc-issuer-url=https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
        "--entra-id-federated-token-auth=true",
        "--upstream=http://127.0.0.1:8081/",
        "--cookie-secure=true",
      ]),
    );
    expect(proxy.env).toEqual([
      {
        name: "OAUTH2_PROXY_COOKIE_SECRET",
        valueFrom: { secretKeyRef: { name: "console-cookie", key: "cookie-secret" } },
      },
    ]);
  });

  it("passes every rule of the policy pack at mandatory level", async () => {
    const result = await evaluate({
      resources: kubernetesObjects().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
      policies: rules,
      packName: "ai-platform",
      packVersion: "0.0.0",
      config: {
        all: "mandatory",
        "k8s-images-from-allowed-registries": {
          enforcementLevel: "mandatory",
          allowedRegistries: ["acrplatform.azurecr.io"],
        },
      },
    });
    expect(result.findings).toEqual([]);
  });

  it("refuses a group that is not an object id and a sign-in URL with a path", () => {
    expect(() => planConsolePod("console", { ...args, operatorGroupId: "operators" }, "c")).toThrow(
      'operatorGroupId ("operators") must be an Entra group object id (a GUID)',
    );
    expect(() => planConsolePod("console", { ...args, url: "https://x.example/console" }, "c")).toThrow(
      'url ("https://x.example/console") must be https://<host> without a path',
    );
  });
});
