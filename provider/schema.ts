/**
 * Generates the Pulumi package schema of the platform's components from their TypeScript types,
 * so Python, Go, .NET, Java and YAML programs can use them through the component provider.
 *
 * `@pulumi/pulumi`'s experimental analyzer rejects types every component here uses (readonly arrays,
 * inline string-literal unions, `Record<K, V>`), so this generator maps them itself:
 * `Input<T>`/`Output<T>` → T; string-literal unions → string (allowed values in the description);
 * readonly and mutable arrays → array; string-keyed records and interfaces → objects (named types);
 * function-typed inputs are TypeScript-only and left out (a required one is an error).
 */
import * as path from "node:path";
import ts from "typescript";

/** A property in the schema. */
export type PropertySpec = { description?: string } & (
  | { type: "string" | "number" | "boolean" | "integer" }
  | { type: "array"; items: PropertySpec }
  | { type: "object"; additionalProperties?: PropertySpec }
  | { $ref: string }
);

/** One component resource in the schema. */
export interface ResourceSpec {
  isComponent: true;
  description?: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
}

/** The package schema (the subset component packages use). */
export interface PackageSchema {
  name: string;
  version: string;
  description?: string;
  language: Record<string, unknown>;
  resources: Record<string, ResourceSpec>;
  types: Record<
    string,
    { type: "object"; description?: string; properties: Record<string, PropertySpec>; required: string[] }
  >;
}

/** Options of {@link generateSchema}. */
export interface SchemaOptions {
  /** Package name; tokens are `<name>:index:<Class>`. */
  name: string;
  version: string;
  description?: string;
  /** TypeScript file whose exports are the components. */
  entry: string;
  /** Class names to publish. */
  components: readonly string[];
}

const ANY: PropertySpec = { $ref: "pulumi.json#/Any" };

/**
 * The type token the component registers (`super("<pkg>:<module>:<Type>", …)`): the schema must use the
 * same token, or resources constructed from another language would not match their registration.
 */
function componentToken(component: string, ctor: ts.ConstructorDeclaration, pkg: string): string {
  let token: string | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const first = node.arguments[0];
      if (first !== undefined && ts.isStringLiteral(first)) token = first.text;
    }
    if (token === undefined) ts.forEachChild(node, visit);
  };
  if (ctor.body !== undefined) visit(ctor.body);
  if (token === undefined || !token.startsWith(`${pkg}:`) || token.split(":").length !== 3) {
    throw new Error(
      `schema: ${component} must call super("${pkg}:<module>:${component}", ...) with a literal type token (found ${String(token)})`,
    );
  }
  return token;
}

/** Builds the schema; throws naming the component and property it cannot represent. */
export function generateSchema(opts: SchemaOptions): PackageSchema {
  const program = ts.createProgram([opts.entry], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.resolve(opts.entry));
  if (source === undefined) throw new Error(`schema: cannot read ${opts.entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`schema: ${opts.entry} has no exports`);
  const exports = new Map(
    checker
      .getExportsOfModule(moduleSymbol)
      .map((s) => [s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s]),
  );
  const schema: PackageSchema = {
    name: opts.name,
    version: opts.version,
    ...(opts.description ? { description: opts.description } : {}),
    language: { nodejs: { respectSchemaVersion: true } },
    resources: {},
    types: {},
  };
  const doc = (symbol: ts.Symbol): string | undefined =>
    ts.displayPartsToString(symbol.getDocumentationComment(checker)) || undefined;

  const convert = (type: ts.Type, where: string, hint: string): PropertySpec | "function" => {
    if (type.aliasSymbol?.name === "Input" || type.aliasSymbol?.name === "Output") {
      const inner = type.aliasTypeArguments?.[0];
      if (inner !== undefined) return convert(inner, where, hint);
    }
    if (type.isUnion()) {
      const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      // Input<T> expanded: T | Promise<T> | OutputInstance<T>; keep T.
      const plain = parts.filter((t) => !["Promise", "OutputInstance", "Output"].includes(t.getSymbol()?.name ?? ""));
      if (plain.length > 0 && plain.every((t) => t.isStringLiteral())) {
        return {
          type: "string",
          description: `One of: ${plain.map((t) => (t as ts.StringLiteralType).value).join(", ")}.`,
        };
      }
      if (plain.length > 0 && plain.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { type: "boolean" };
      if (plain.length === 1) return convert(plain[0] as ts.Type, where, hint);
      if (
        plain.some((t) => t.flags & ts.TypeFlags.StringLike) &&
        plain.every((t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Intersection))
      )
        return { type: "string" };
      return ANY;
    }
    if (type.flags & ts.TypeFlags.StringLike) return { type: "string" };
    if (type.flags & ts.TypeFlags.NumberLike) return { type: "number" };
    if (type.flags & ts.TypeFlags.BooleanLike) return { type: "boolean" };
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return ANY;
    if (type.getCallSignatures().length > 0) return "function";
    if (checker.isArrayType(type) || checker.isTupleType(type) || type.getSymbol()?.name === "ReadonlyArray") {
      const item = checker.getTypeArguments(type as ts.TypeReference)[0];
      const items = item === undefined ? ANY : convert(item, where, hint);
      return { type: "array", items: items === "function" ? ANY : items };
    }
    if (type.isIntersection()) return { type: "string" }; // `string & Record<never, never>` (open string enums)
    const index = type.getStringIndexType();
    if (index !== undefined && type.getProperties().length === 0) {
      const value = convert(index, where, hint);
      return { type: "object", additionalProperties: value === "function" ? ANY : value };
    }
    if (type.flags & ts.TypeFlags.Object) return { $ref: `#/types/${opts.name}:index:${namedType(type, where, hint)}` };
    return ANY;
  };

  const namedType = (type: ts.Type, where: string, hint: string): string => {
    const symbolName = type.aliasSymbol?.name ?? type.getSymbol()?.name;
    const name =
      symbolName !== undefined &&
      !symbolName.startsWith("__") &&
      !["Record", "Partial", "Readonly", "Omit", "Pick"].includes(symbolName)
        ? symbolName
        : hint;
    const token = `${opts.name}:index:${name}`;
    if (schema.types[token] !== undefined) return name;
    const spec = { type: "object" as const, properties: {} as Record<string, PropertySpec>, required: [] as string[] };
    schema.types[token] = spec;
    for (const prop of checker.getPropertiesOfType(type)) {
      const propType = checker.getTypeOfSymbol(prop);
      const converted = convert(
        propType,
        `${where}.${prop.name}`,
        `${name}${prop.name.charAt(0).toUpperCase()}${prop.name.slice(1)}`,
      );
      if (converted === "function") continue;
      const description = doc(prop);
      spec.properties[prop.name] =
        description === undefined
          ? converted
          : { ...converted, description: [description, converted.description].filter(Boolean).join(" ") };
      if (!(prop.flags & ts.SymbolFlags.Optional)) spec.required.push(prop.name);
    }
    return name;
  };

  for (const component of opts.components) {
    const symbol = exports.get(component);
    const decl = symbol?.valueDeclaration;
    if (symbol === undefined || decl === undefined || !ts.isClassDeclaration(decl))
      throw new Error(`schema: ${component} is not an exported class of ${opts.entry}`);
    const ctor = decl.members.find(ts.isConstructorDeclaration);
    const argsParam = ctor?.parameters[1];
    if (argsParam === undefined) throw new Error(`schema: ${component} has no (name, args, opts) constructor`);
    const argsType = checker.getTypeAtLocation(argsParam);
    const resource: ResourceSpec = {
      isComponent: true,
      inputProperties: {},
      requiredInputs: [],
      properties: {},
      required: [],
    };
    const description = doc(symbol);
    if (description !== undefined) resource.description = description;
    for (const prop of checker.getPropertiesOfType(argsType)) {
      const converted = convert(
        checker.getTypeOfSymbol(prop),
        `${component}.${prop.name}`,
        `${component}${prop.name.charAt(0).toUpperCase()}${prop.name.slice(1)}`,
      );
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      if (converted === "function") {
        if (!optional)
          throw new Error(
            `schema: ${component} input ${prop.name} is a required function, which other languages cannot pass`,
          );
        continue;
      }
      const propDoc = doc(prop);
      resource.inputProperties[prop.name] =
        propDoc === undefined
          ? converted
          : { ...converted, description: [propDoc, converted.description].filter(Boolean).join(" ") };
      if (!optional) resource.requiredInputs.push(prop.name);
    }
    for (const member of decl.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      const modifiers = ts.getCombinedModifierFlags(member);
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)) continue;
      const prop = checker.getSymbolAtLocation(member.name);
      if (prop === undefined) continue;
      const converted = convert(
        checker.getTypeOfSymbol(prop),
        `${component}.${prop.name}`,
        `${component}${prop.name.charAt(0).toUpperCase()}${prop.name.slice(1)}`,
      );
      if (converted === "function") continue;
      const propDoc = doc(prop);
      resource.properties[prop.name] = propDoc === undefined ? converted : { ...converted, description: propDoc };
      if (member.questionToken === undefined) resource.required.push(prop.name);
    }
    schema.resources[componentToken(component, ctor as ts.ConstructorDeclaration, opts.name)] = resource;
  }
  return schema;
}
