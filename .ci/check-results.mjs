// CI's strictness over vitest's JSON results: every suite ran at least its floor of tests, none was
// skipped or left as todo, and none failed. A suite that silently ran nothing (a broken include, a
// helper that skips itself) would otherwise leave the run green.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const floors = JSON.parse(readFileSync(new URL('./floors.json', import.meta.url), 'utf8'));
const root = new URL('..', import.meta.url).pathname;

/** The suite a test file belongs to: test/<suite>/…, else unit (tests beside the code). */
const suiteOf = (file) => {
  const rel = relative(root, file);
  const m = /^test\/([^/]+)\//.exec(rel);
  return m ? m[1] : 'unit';
};

const counts = Object.fromEntries(Object.keys(floors).map((s) => [s, { passed: 0, failed: 0, skipped: 0 }]));
const problems = [];
for (const file of process.argv.slice(2)) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  for (const testFile of results.testResults) {
    const suite = suiteOf(testFile.name);
    counts[suite] ??= { passed: 0, failed: 0, skipped: 0 };
    if (testFile.assertionResults.length === 0) problems.push(`${relative(root, testFile.name)}: ran no test (${testFile.status})`);
    for (const t of testFile.assertionResults) {
      if (t.status === 'passed') counts[suite].passed++;
      else if (t.status === 'failed') counts[suite].failed++;
      else {
        counts[suite].skipped++;
        problems.push(`${relative(root, testFile.name)}: "${t.fullName}" is ${t.status}`);
      }
    }
  }
}
for (const [suite, c] of Object.entries(counts)) {
  const floor = floors[suite];
  if (floor === undefined) problems.push(`suite ${suite} has no floor in .ci/floors.json`);
  else if (c.passed < floor) problems.push(`suite ${suite}: ${c.passed} passed, below its floor of ${floor}`);
  if (c.failed > 0) problems.push(`suite ${suite}: ${c.failed} failed`);
}
console.log(Object.entries(counts).map(([s, c]) => `${s} ${c.passed}`).join(' · '));
if (problems.length > 0) {
  console.error(problems.map((p) => `✗ ${p}`).join('\n'));
  process.exit(1);
}
