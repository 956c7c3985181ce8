import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const testRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(testRoot, '..');
export const specDist = join(repoRoot, 'packages', 'spec', 'dist');
export const openapiPath = join(specDist, 'openapi.json');
export const asyncapiPath = join(specDist, 'asyncapi.json');
export const baselineDir = join(testRoot, 'baseline');
