#!/usr/bin/env node
// tsc does not copy the generated JS (Ajv standalone validators, the JSON depth scanner) and its .d.ts into dist; this does.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist', 'generated'), { recursive: true });
for (const f of ['validators.js', 'validators.d.ts', 'json-limits.js', 'json-limits.d.ts']) copyFileSync(join(root, 'src', 'generated', f), join(root, 'dist', 'generated', f));
