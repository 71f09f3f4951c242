// What each built-in plugin is for, in one line, and the QEMU arguments it takes: shown by the
// editor's "Add Plugin" pick and offered as completions for `plugins` in launch.json
// (package.json's enum; test/plugins/loader.test.ts keeps all three in step with BUILTINS).

export interface BuiltinInfo { name: string; description: string; args: string[] }

export const BUILTIN_CATALOG: readonly BuiltinInfo[] = [
  { name: 'hotpages', description: 'reads and writes per guest page (feeds Hot Pages and the heat map)', args: ['sortby=reads|writes|address', 'io=on|off', 'pagesize=N'] },
  { name: 'trace', description: 'records every plugin callback as it fires (feeds Callback Trace)', args: ['tb=on|off', 'insn=on|off', 'mem=on|off', 'size=N'] },
  { name: 'hotblocks', description: 'executions per translation block, hottest first', args: ['inline=on'] },
  { name: 'bb', description: 'executed blocks and instructions per vCPU', args: ['inline=on', 'idle=on'] },
  { name: 'insn', description: 'executed instructions per vCPU, or those matching a prefix', args: ['inline=on', 'sizes=on', 'match=PREFIX', 'trace=on'] },
  { name: 'mem', description: 'memory accesses, optionally every access with its value', args: ['inline=on', 'callback=on', 'track=r|w|rw', 'print-accesses=on', 'region-summary=on', 'haddr=on'] },
  { name: 'howvec', description: 'executed instructions by class (major opcode)', args: ['inline=on', 'verbose=on', 'count=CLASS'] },
  { name: 'cache', description: 'simulated L1 instruction/data caches (and L2): misses per core and per instruction', args: ['dcachesize=N', 'dassoc=N', 'dblksize=N', 'icachesize=N', 'iassoc=N', 'iblksize=N', 'l2=on', 'evict=lru|fifo|rand', 'cores=N', 'limit=N'] },
  { name: 'cflow', description: 'where control flow leaves straight-line code (branch destinations)', args: ['sort=hottest|early|exceptions'] },
  { name: 'execlog', description: 'logs every executed instruction with its memory accesses', args: ['ifilter=PREFIX', 'afilter=0xADDR', 'reg=PATTERN', 'rdisas=on'] },
  { name: 'syscall', description: 'system calls with call and error counts, or each call (print=on)', args: ['print=on', 'log_writes=on'] },
  { name: 'stoptrigger', description: 'ends the guest after N instructions or at an address', args: ['icount=N[:CODE]', 'addr=A[:CODE]'] },
  { name: 'drcov', description: 'writes a DynamoRIO drcov coverage file (for Lighthouse)', args: ['filename=PATH'] },
];
