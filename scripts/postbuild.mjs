// After tsc: make the CLI executable (npm links `bin` itself, but a plain `node dist/cli.js` build
// must run too) and parse the shipped roles once, so the server does not parse YAML at start-up.
import { chmodSync, writeFileSync } from "node:fs";
import { parseShippedRoles, SHIPPED_ROLE_CACHE } from "../dist/config/roles.js";

chmodSync(new URL("../dist/cli.js", import.meta.url), 0o755);
writeFileSync(SHIPPED_ROLE_CACHE, JSON.stringify(parseShippedRoles()));
