// npm links `bin` entries itself, but a plain `node dist/cli.js` build (prepare) must be executable too.
import { chmodSync } from "node:fs";

chmodSync(new URL("../dist/cli.js", import.meta.url), 0o755);
