// Registry of the built-in plugins, by the names `-plugin` accepts (QEMU's file names such as
// libhotpages.so map onto these in loader.ts).

import type { PluginModule } from '../types';
import { bb } from './bb';
import { cache } from './cache';
import { cflow } from './cflow';
import { drcov } from './drcov';
import { execlog } from './execlog';
import { hotblocks } from './hotblocks';
import { hotpages } from './hotpages';
import { howvec } from './howvec';
import { insn } from './insn';
import { mem } from './mem';
import { stoptrigger } from './stoptrigger';
import { syscall } from './syscall';
import { trace } from './trace';

export const BUILTINS: Readonly<Record<string, PluginModule>> = {
  bb, cache, cflow, drcov, execlog, hotblocks, hotpages, howvec, insn, mem, stoptrigger, syscall, trace,
};
