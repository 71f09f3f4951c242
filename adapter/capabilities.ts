// Every DAP capability tbscope declares, in one place, each with the reason it is on or off.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS } from './exceptions';

export const CAPABILITIES: DebugProtocol.Capabilities = {
  // Breakpoints are set before the guest runs its first instruction.
  supportsConfigurationDoneRequest: true,
  // Breaking on functions by ELF symbol (after the prologue when DWARF says where it ends).
  supportsFunctionBreakpoints: true,
  // Conditions are expressions over registers, symbols, memory and DWARF variables (adapter/expr.ts).
  supportsConditionalBreakpoints: true,
  // "5", ">5", "==5", "%5" on every breakpoint kind.
  supportsHitConditionalBreakpoints: true,
  // Logpoints print `{expr}`-interpolated text to the Debug Console without stopping.
  supportsLogPoints: true,
  // Watch, hover and the Debug Console all use the same evaluator.
  supportsEvaluateForHovers: true,
  // Registers (top frame) are editable; source variables are not yet.
  supportsSetVariable: true,
  // Breakpoints on raw addresses from the Disassembly view.
  supportsInstructionBreakpoints: true,
  // objdump-identical disassembly with exact instruction boundaries.
  supportsDisassembleRequest: true,
  // Instruction-granularity stepping in the Disassembly view.
  supportsSteppingGranularity: true,
  // Hex editor over guest memory; unreadable ranges are reported, not errors.
  supportsReadMemoryRequest: true,
  supportsWriteMemoryRequest: true,
  // Signals, syscalls and exit as exceptions with details (fault address, instruction).
  supportsExceptionInfoRequest: true,
  exceptionBreakpointFilters: EXCEPTION_FILTERS,
  // The syscall filter takes a condition (numbers or names).
  supportsExceptionFilterOptions: true,
  // The program and its dynamic linker, with address ranges.
  supportsModulesRequest: true,
  // Read/write/read-write watches on address ranges, via plugin memory callbacks.
  supportsDataBreakpoints: true,
  supportsDataBreakpointBytes: true,
  // Restart rebuilds the guest process in place (breakpoints kept) instead of a new session.
  supportsRestartRequest: true,
  // terminate ends the guest; there is no separate debuggee process to kill.
  supportsTerminateRequest: true,
  // Off: VS Code then asks for the top frame and the rest 420 ms later; a step in between left a
  // "Load More Stack Frames" row that loads nothing. The stack is unwound once per stop anyway,
  // and stackTrace still pages (levels/totalFrames) beyond the first 20 frames.
  supportsDelayedStackTraceLoading: false,
  // Values carry memoryReference so registers and pointers open in the memory view.
  supportsValueFormattingOptions: false,
  // Step back and reverse continue re-execute the recorded run (adapter/reverse.ts).
  supportsStepBack: true,
  // Not offered: goto targets, completions (not implemented).
  supportsGotoTargetsRequest: false,
  supportsCompletionsRequest: false,
  // Source line breakpoints come from DWARF .debug_line; loaded sources list its files.
  supportsLoadedSourcesRequest: true,
  // A single vCPU: pause/continue act on the whole process.
  supportsSingleThreadExecutionRequests: false,
};
