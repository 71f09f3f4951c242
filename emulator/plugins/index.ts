// Public surface of the plugin layer for the CLI, the Machine wiring and the debug adapter:
// the manager (dispatch + translate hook), loading, meminfo encoding and the trace buffer.

export { PluginManager, PluginSetPc, PluginExit, isPluginSignal, managerOf } from './core';
export type { PluginBinding, PluginManagerOptions, PluginContext, TraceEvent } from './core';
export {
  PluginLoadError, parsePluginSpec, pluginSpecsFromEnv, builtinName, loadBuiltin, loadPlugin, loadPlugins,
  installModule, importByPath, qemuInfo,
} from './loader';
export type { PluginSpec, LoaderHost } from './loader';
export { makeMeminfo, meminfoSizeShift, meminfoIsSignExtended, meminfoIsBigEndian, meminfoIsStore } from './meminfo';
export { BUILTINS } from './builtin/index';
export { traceBuffer, TraceRing } from './builtin/trace';
export { hotPagesOf, type PageCounters } from './builtin/hotpages';
export { boolParse } from './api';
export { attachPlugins, pluginsUserExit, codeSpan, imageExtras, type AttachExtras } from './machine-binding';
export * from './types';
