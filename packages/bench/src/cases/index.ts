/** Every benchmark case, in the order `npm run bench` runs them. */
import type { BenchCase } from '../bench-case.ts';
import { configPropagation } from './config-propagation.ts';
import { core } from './core.ts';
import { forwardAuthCaddy } from './forward-auth-caddy.ts';
import { forwardAuthNginx } from './forward-auth-nginx.ts';
import { outpostFootprint } from './outpost-footprint.ts';
import { outpostImage } from './outpost-image.ts';
import { outpostMemoryCase } from './outpost-memory.ts';
import { providerScale } from './provider-scale.ts';
import { proxyMode } from './proxy-mode.ts';
import { radius } from './radius.ts';

export const CASES: readonly BenchCase[] = [
  forwardAuthNginx,
  forwardAuthCaddy,
  proxyMode,
  configPropagation,
  core,
  outpostMemoryCase,
  outpostFootprint,
  outpostImage,
  providerScale,
  radius,
];
