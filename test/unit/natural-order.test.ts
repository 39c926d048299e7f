import { expect, test } from "vitest";
import { compareNatural } from "../../src/engine/targets.js";

// Target order is the `en` collator's with numeric ordering; most pairs are answered without it
// (#13: sorting 10,000 targets). Whatever path answers, the order must be the collator's.

const collator = new Intl.Collator("en", { numeric: true });
const sign = (n: number) => Math.sign(n);

test("target paths sort as the numeric collator sorts them", () => {
  const parts = [
    "",
    "a",
    "B",
    "us-",
    "US-",
    "_",
    ".",
    "/",
    "-",
    "x/",
    "007",
    "7",
    "10",
    "2",
    "0",
    "99999999999999999",
  ];
  let seed = 7;
  const pick = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return parts[seed % parts.length] as string;
  };
  const paths = Array.from({ length: 400 }, () => `${pick()}${pick()}${pick()}${pick()}.md`);
  paths.push(
    "stories/US-2.md",
    "stories/US-10.md",
    "stories/US-02.md",
    "stories/us-3.md",
    "stories/US-3b.md",
  );
  const disagreements: string[] = [];
  for (const a of paths)
    for (const b of paths)
      if (sign(compareNatural(a, b)) !== sign(collator.compare(a, b))) disagreements.push(`${a} vs ${b}`);
  expect(disagreements).toEqual([]);
  expect(["stories/US-10.md", "stories/US-9.md", "stories/US-100.md"].sort(compareNatural)).toEqual([
    "stories/US-9.md",
    "stories/US-10.md",
    "stories/US-100.md",
  ]);
});
