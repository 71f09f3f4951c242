// Links the F/D computational instructions to the FPU helpers (emulator/fpu): the helper per
// mnemonic, whether its rm field must be checked, and the inline fast paths. Kept in one place
// so the translator's dependency on the FPU module is these imports.

import { FP_HELPERS, FP_USES_RM } from '../fpu/index';
import type { FpHelperFn } from './gen-sys';

export const fpHelpers = FP_HELPERS as unknown as Readonly<Record<string, FpHelperFn>>;
export const fpUsesRm = FP_USES_RM as Readonly<Record<string, boolean>>;
export { fpInline } from '../fpu/inline';
