/**
 * Network security group rules as the NSG rules read them: the inline `securityRules` of a
 * NetworkSecurityGroup, evaluated in priority order as Azure does (lowest number first). Rules
 * created as separate `network.SecurityRule` resources are not seen; the platform keeps its rules inline.
 */
import { type Props } from "./props";
import { eqi } from "./strings";

/** The inline rules of one direction, lowest priority number first. */
export function orderedRules(nsg: Props, direction: "Inbound" | "Outbound"): Props[] {
  const rules: Props[] = nsg.securityRules ?? [];
  return rules
    .filter((r) => eqi(r.direction, direction))
    .sort((a, b) => Number(a.priority ?? 0) - Number(b.priority ?? 0));
}

function values(one: unknown, many: unknown): string[] {
  const list = Array.isArray(many) ? (many as unknown[]) : [];
  return [one, ...list].filter((v): v is string => typeof v === "string" && v !== "");
}

/** True when the rule's destination ports include `port` (`*`, `22`, `20-25`). */
export function coversPort(rule: Props, port: number): boolean {
  return values(rule.destinationPortRange, rule.destinationPortRanges).some((range) => {
    if (range === "*") return true;
    const [lo, hi = lo] = range.split("-").map((s) => Number(s.trim()));
    return lo !== undefined && hi !== undefined && port >= lo && port <= hi;
  });
}

/** True when the rule applies to TCP. */
export function coversTcp(rule: Props): boolean {
  return rule.protocol === undefined || eqi(rule.protocol, "Tcp") || rule.protocol === "*";
}

/** True when the rule's destination includes the whole virtual network (`*`, `VirtualNetwork`, `Any`). */
export function coversVirtualNetwork(rule: Props): boolean {
  return values(rule.destinationAddressPrefix, rule.destinationAddressPrefixes).some(
    (p) => p === "*" || eqi(p, "VirtualNetwork") || eqi(p, "Any"),
  );
}

/** Source prefixes that mean "anywhere". */
const ANY_SOURCE = ["*", "Any", "Internet", "0.0.0.0/0", "::/0"];

/** True when the rule's source is anywhere (`*`, `Internet`, `0.0.0.0/0`). */
export function fromAnySource(rule: Props): boolean {
  return values(rule.sourceAddressPrefix, rule.sourceAddressPrefixes).some((p) => ANY_SOURCE.some((a) => eqi(p, a)));
}

/** A rule's name for messages. */
export function ruleLabel(rule: Props): string {
  return `rule ${typeof rule.name === "string" ? rule.name : "(unnamed)"} (priority ${String(rule.priority)})`;
}
