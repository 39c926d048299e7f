import { existsSync } from "node:fs";

/**
 * The system Chromium the browser tests drive (Debian's `chromium` package; BATON_CHROMIUM names
 * another), or undefined: those tests then skip, and test/e2e/dashboard.test.ts says so in one line.
 */
export const CHROMIUM = [process.env.BATON_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (file): file is string => file !== undefined && file !== "" && existsSync(file),
);
