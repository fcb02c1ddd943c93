/** Every benchmark case, in the order `npm run bench` runs them. */
import type { BenchCase } from '../bench-case.ts';
import { forwardAuthNginx } from './forward-auth-nginx.ts';

export const CASES: readonly BenchCase[] = [forwardAuthNginx];
