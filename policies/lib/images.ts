/**
 * Container image references, parsed the way container runtimes do: the registry is the first path
 * component when it contains a `.` or `:` or is `localhost` (otherwise Docker Hub); the tag follows
 * the last `:` after the last `/` (a registry may carry a `:port`); a digest follows `@`.
 */
import { globMatch } from "./strings";

/** A parsed image reference. */
export interface ImageRef {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses `image` (for example `acr.azurecr.io/inference:1.2.0@sha256:…`). */
export function parseImage(image: string): ImageRef {
  const [nameAndTag = "", digest] = image.split("@", 2);
  const slash = nameAndTag.indexOf("/");
  const first = slash >= 0 ? nameAndTag.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  const rest = hasRegistry ? nameAndTag.slice(slash + 1) : nameAndTag;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  return {
    registry,
    repository: colon >= 0 ? rest.slice(0, colon) : rest,
    ...(colon >= 0 ? { tag: rest.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * True when `image` comes from `pattern`: `host[/path-prefix]`, where the host may contain `*`
 * (`*.azurecr.io`, `myacr.azurecr.io/platform`).
 */
export function fromRegistry(image: string, pattern: string): boolean {
  const ref = parseImage(image);
  const slash = pattern.indexOf("/");
  const host = slash >= 0 ? pattern.slice(0, slash) : pattern;
  const prefix = slash >= 0 ? pattern.slice(slash + 1).replace(/\/$/, "") : "";
  return (
    globMatch(host, ref.registry) &&
    (prefix === "" || ref.repository === prefix || ref.repository.startsWith(`${prefix}/`))
  );
}
