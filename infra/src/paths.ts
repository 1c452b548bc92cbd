import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: wiring entries are relative to it, and esbuild bundles from it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const repoPath = (relative: string): string => path.join(REPO_ROOT, relative);

export const LOCK_FILE = repoPath('package-lock.json');
