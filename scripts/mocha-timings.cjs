// Mocha reporter for CI (`npx mocha --reporter ./scripts/mocha-timings.cjs`): mocha's usual spec
// output, then the slowest test files (wall time from a file's first to its last event, hooks
// included) and the slowest single tests, so a slow suite shows up with its file — and so its
// owner — in every CI log. TIMINGS_TOP=N sets how many of each are listed (default 15).
'use strict';
const Mocha = require('mocha');

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END, EVENT_RUN_END } = Mocha.Runner.constants;
const TOP = Number(process.env.TIMINGS_TOP) || 15;

class Timings extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const fileStart = new Map();  // file → time of its top-level suite's start
    const files = [];             // { file, ms, tests }
    const tests = [];             // { title, file, ms }
    const rel = (f) => (f ? require('node:path').relative(process.cwd(), f) : '?');
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.file && suite.parent?.root) fileStart.set(suite.file, { t: Date.now(), tests: 0 });
    });
    runner.on(EVENT_TEST_END, (test) => {
      tests.push({ title: test.fullTitle(), file: rel(test.file), ms: test.duration ?? 0 });
      const f = fileStart.get(test.file);
      if (f) f.tests++;
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const f = suite.file && suite.parent?.root ? fileStart.get(suite.file) : undefined;
      if (!f) return;
      // A file may hold several top-level suites: add their times up.
      const prev = files.find((x) => x.file === rel(suite.file));
      const ms = Date.now() - f.t;
      if (prev) { prev.ms += ms; prev.tests += f.tests; } else files.push({ file: rel(suite.file), ms, tests: f.tests });
      fileStart.delete(suite.file);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = (ms) => (ms / 1000).toFixed(1).padStart(7) + ' s';
      const total = files.reduce((a, f) => a + f.ms, 0);
      console.log(`\n  slowest test files (of ${files.length}, ${(total / 1000).toFixed(0)} s in all):`);
      for (const f of [...files].sort((a, b) => b.ms - a.ms).slice(0, TOP)) console.log(`  ${s(f.ms)}  ${f.file} (${f.tests} tests)`);
      console.log('\n  slowest tests:');
      for (const t of [...tests].sort((a, b) => b.ms - a.ms).slice(0, TOP)) console.log(`  ${s(t.ms)}  ${t.file}: ${t.title}`);
      // mocha's own summary again, last, so it is what a CI log ends with.
      const st = this.stats;
      console.log(`\n  ${st.passes} passing, ${st.failures} failing, ${st.pending} pending (${(st.duration / 1000).toFixed(0)} s)`);
    });
  }
}

module.exports = Timings;
