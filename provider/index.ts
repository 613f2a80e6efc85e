// Entry of the component provider plugin (PulumiPlugin.yaml): `pulumi package add <path to provider/>`
// generates an SDK for Python, Go, .NET, Java or YAML programs from the schema this serves.
import { main } from "@pulumi/pulumi/provider";
import { PlatformComponentProvider } from "./platform-provider";
import { version } from "./package.json";

void main(new PlatformComponentProvider(version), process.argv.slice(2));
