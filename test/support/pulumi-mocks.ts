// The shared Pulumi mocks live with the offline plan, which runs them for users too.
export * from "../../tools/plan/mocks";
