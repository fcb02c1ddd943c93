/**
 * The attack suite (src/attacks, docs/security.md) against real Caddy running docs/forward-auth/caddy.md's block, in front of a standalone outpost.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { caddyDocStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: caddy', 'caddy', caddyDocStack);
