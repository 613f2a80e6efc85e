/**
 * The platform's Kubernetes workloads. Every component takes an explicit `provider` in its options
 * (a `k8s.Provider` built from the AKS kubeconfig by the caller); none reads a kubeconfig itself.
 */
export * from "./labels";
export * from "./provider";
export * from "./resources";
export * from "./pod-spec";
export * from "./job-spec";
export * from "./namespace";
export * from "./service-account";
export * from "./secret-provider-class";
export * from "./gpu-enablement";
export * from "./inference-service";
export * from "./console";
export * from "./pipeline-controller";
export * from "./training-job";
export * from "./batch-scoring-job";
export * from "./demo-bootstrap";
export * from "./prometheus-scraping";
