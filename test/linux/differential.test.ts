// Whole programs under tbscope's Linux layer against qemu-riscv64: what the user sees (stdout,
// stderr, exit status) for the syscall exerciser and for every way of dying, plus the
// deterministic mode's promise that two runs are identical down to the instruction count.

import { strict as assert } from 'node:assert';
import { fixture, runGuest, withTempDirs } from './helpers';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from '../../emulator/host';
import { cliBundle, QEMU, qemuRunCounts, REPO_ROOT, requireTool, run } from '../support/oracles';

describe('linux: programs behave as under qemu-riscv64', () => {
  it('linux-syscalls: files, pipes, mmap, brk, clocks, signals, limits — same stdout, stderr, status', function () {
    const qemu = requireTool(this, QEMU);
    withTempDirs(2, (d1, d2) => {
      const path = fixture('linux-syscalls');
      const q = run(qemu, [path], { cwd: d1, env: {} });
      const t = runGuest(path, { cwd: d2, env: [], deterministic: false });
      assert.equal(t.stdout, q.stdout);
      assert.equal(t.stderr, q.stderr);
      assert.equal(t.status, q.status);
      assert.ok(t.stdout.includes('rmdir 0'), 'the program ran to the end');
    });
  });

  it('linux-mmap-shared: MAP_SHARED file mappings and the file stay coherent (msync, munmap, read, write, exit) — same stdout and file', function () {
    const qemu = requireTool(this, QEMU);
    withTempDirs(2, (d1, d2) => {
      const path = fixture('linux-mmap-shared');
      const [f1, f2] = [join(d1, 'f'), join(d2, 'f')];
      for (const f of [f1, f2]) writeFileSync(f, '0123456789abcdef');
      const q = run(qemu, [path, f1], { env: {} });
      const t = runGuest(path, { argv: [path, f2], env: [] });
      assert.equal(t.stdout, q.stdout);
      assert.equal(t.status, q.status);
      assert.equal(readFileSync(f2, 'latin1'), readFileSync(f1, 'latin1'));
      // Written at msync (A), munmap (B), around a pwrite (C, W), before a pread (E), by pwrite and
      // write while mapped (F, G) and at exit (D); the store past the end did not extend the file.
      assert.equal(readFileSync(f2, 'latin1'), 'ABCD4WEFG9abcdef');
    });
  });

  it('linux-sighandler: guest signal handlers (faults, raise, pending, sigaltstack) — same stdout', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-sighandler');
    const q = run(qemu, [path], { env: {} });
    const t = runGuest(path, { env: [] });
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.status, q.status);
    assert.match(t.stdout, /on altstack 1/);
  });

  const deaths: [string, number][] = [['segv', 11], ['abort', 6], ['ebreak', 5], ['ill', 4], ['kill', 15], ['pipe', 13], ['exit', 0], ['', 0]];
  for (const [how, signo] of deaths) {
    it(`linux-signals ${how || '(normal return)'}: exit status${signo ? ` 128+${signo}` : ''}`, function () {
      const qemu = requireTool(this, QEMU);
      const path = fixture('linux-signals');
      const q = run(qemu, how ? [path, how] : [path], { env: {} });
      const t = runGuest(path, { argv: how ? [path, how] : [path] });
      assert.equal(t.status, q.status);
      assert.equal(t.stdout, q.stdout);
      // QEMU reports core-dumping signals with one line (it dumps the core itself); others are silent.
      const core = [4, 5, 6, 11].includes(signo);
      const names: Record<number, string> = { 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted', 11: 'Segmentation fault' };
      assert.equal(t.stderr, core ? `tbscope: uncaught target signal ${signo} (${names[signo]}) - core dumped\n` : '');
      if (signo) assert.equal(t.end.signo, signo);
    });
  }
});

describe('linux: writing to a closed pipe (`prog | head -c 10`)', () => {
  /** Runs argv with stdout into `head -c 10`; stderr is the program's stderr, then its status (PIPESTATUS). */
  const intoHead = (argv: string[], env: Record<string, string> = {}) =>
    run('bash', ['--norc', '--noprofile', '-c', '"$@" | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}" >&2', 'sh', ...argv], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    });
  const tbscope = (args: string[]) => intoHead([process.execPath, join(REPO_ROOT, 'bin', 'tbscope'), ...args], { TBSCOPE_BUNDLE: cliBundle() });

  // More than a pipe buffer (64 KiB) of output, so the writer is still writing when head exits.
  for (const args of [['linux-signals', 'flood'], ['linux-signals', 'flood-ign']]) {
    it(`${args.join(' ')}: same status and stderr as qemu-riscv64 (SIGPIPE, or EPIPE when ignored)`, function () {
      this.timeout(60_000);
      const qemu = requireTool(this, QEMU);
      const path = fixture(args[0]);
      const q = intoHead([qemu, path, ...args.slice(1)]);
      const t = tbscope([path, ...args.slice(1)]);
      assert.equal(t.stderr, q.stderr);
      assert.equal(t.status, 0, 'bash ran');
      assert.match(q.stderr, args[1] === 'flood' ? /^141\n$/ : /^write errno 32\n3\n$/);
    });
  }

  it('examples/bin/hello-static with a long argv: killed by SIGPIPE (status 141) like qemu', function () {
    this.timeout(60_000);
    const qemu = requireTool(this, QEMU);
    const args = [join(REPO_ROOT, 'examples', 'bin', 'hello-static'), ...Array.from({ length: 20000 }, (_, i) => `${i}`)];
    assert.equal(tbscope(args).stderr, intoHead([qemu, ...args]).stderr);
  });

  it('in process: a host stdout failing with EPIPE raises SIGPIPE in the guest instead of throwing', () => {
    const epipe = (): void => { throw new HostError(32); };
    const dies = runGuest(fixture('linux-signals'), { argv: ['linux-signals', 'flood'], host: { stdout: epipe } });
    assert.equal(dies.status, 141);
    assert.equal(dies.end.signo, 13);
    assert.equal(dies.stderr, '');
    const lives = runGuest(fixture('linux-signals'), { argv: ['linux-signals', 'flood-ign'], host: { stdout: epipe } });
    assert.equal(lives.status, 3);
    assert.equal(lives.stderr, 'write errno 32\n');
  });
});

describe('linux: guest instruction counts equal qemu-riscv64\'s', () => {
  // Startup code (glibc's auxv walk, brk/TLS setup, stdio) runs exactly the same instructions
  // only if every syscall result and the stack layout match QEMU's. linux-syscalls also lists a
  // directory: QEMU passes the host's getdents order through, where "." and ".." may come
  // anywhere (ext4 hashes even one-block directories), so this checks that tbscope puts them
  // where the host does (node:fs hides both; the node host asks `ls -f`). Its sched_getaffinity
  // returns the host's mask size (attrs.test.ts).
  it('linux-syscalls (run in a temp dir: it makes and removes tdir there)', function () {
    const qemu = requireTool(this, QEMU);
    withTempDirs(1, (d) => {
      const path = fixture('linux-syscalls');
      const prev = process.cwd();
      process.chdir(d); // qemuRunCounts runs in the current directory
      let q: { insns: number };
      try { q = qemuRunCounts(qemu, [path], {}); } finally { process.chdir(prev); }
      const t = runGuest(path, { cwd: d, env: [], deterministic: false });
      assert.ok(t.stdout.includes('rmdir 0'), 'the program ran to the end');
      assert.equal(t.instret, q.insns);
    });
  });
  for (const [name, args] of [['linux-auxv', ['a', 'bc']], ['linux-signals', []]] as [string, string[]][]) {
    it(name, function () {
      const qemu = requireTool(this, QEMU);
      const path = fixture(name);
      const q = qemuRunCounts(qemu, [path, ...args], {});
      const t = runGuest(path, { argv: [path, ...args], env: [] });
      assert.equal(t.instret, q.insns);
    });
  }
});

describe('linux: deterministic mode', () => {
  it('two runs print the same and retire the same number of instructions', () => {
    const runs = [0, 1].map(() => withTempDirs(1, (d) =>
      runGuest(fixture('linux-syscalls'), { cwd: d, deterministic: true, argv: ['linux-syscalls'] })));
    assert.equal(runs[0].status, 0);
    assert.equal(runs[0].stdout, runs[1].stdout);
    assert.equal(runs[0].instret, runs[1].instret);
    assert.ok(runs[0].instret > 10000);
  });
});
