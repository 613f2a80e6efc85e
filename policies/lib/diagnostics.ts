/**
 * Diagnostic settings as the log rules read them: the settings linked to a resource and the log
 * categories and category groups they enable. Reads go through `safeRead`, so a value unknown at
 * preview counts as not enabled instead of stopping the stack rule.
 */
import { type PolicyResource, type StackValidationArgs } from "@pulumi/policy";
import { ofType, refersTo, safeRead } from "./links";
import { eqi } from "./strings";

const SETTING = "azure-native:monitor:DiagnosticSetting";

/** The diagnostic settings whose `resourceUri` refers to `target`. */
export function settingsOf(args: StackValidationArgs, target: PolicyResource): PolicyResource[] {
  return ofType(args.resources, SETTING).filter((s) => refersTo(s, "resourceUri", target));
}

/** True when `setting` enables one of `categories` or `groups` in its `logs`. */
export function enablesLog(setting: PolicyResource, categories: readonly string[], groups: readonly string[]): boolean {
  const logs = safeRead(() => setting.props.logs as Array<Record<string, unknown>> | undefined) ?? [];
  return logs.some((l) => {
    if (safeRead(() => l.enabled) !== true) return false;
    const category = safeRead(() => l.category);
    const group = safeRead(() => l.categoryGroup);
    return categories.some((c) => eqi(category, c)) || groups.some((g) => eqi(group, g));
  });
}
