// The debug adapter running inside the extension host (the default): the same session class
// dist/adapter.js runs over stdio, handed to VS Code as a DebugAdapterInlineImplementation, so
// no process is spawned and both ends share one event loop.

import type * as vscode from 'vscode';
import { TbscopeSession } from '../adapter/session';

export function createInlineAdapter(): vscode.DebugAdapter {
  // @vscode/debugadapter's ProtocolServer implements handleMessage/onDidSendMessage/dispose,
  // which is exactly vscode.DebugAdapter; only the nominal types differ.
  return new TbscopeSession() as unknown as vscode.DebugAdapter;
}
