#!/usr/bin/env node
// The `lintel` command: runs the TypeScript sources directly under Node through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../../electron/cli/index.ts');
