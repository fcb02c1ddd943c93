/**
 * The attack suite (src/attacks, docs/security.md) against proxy mode: a standalone outpost is the reverse proxy.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { proxyModeStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: proxy-mode', 'proxy', proxyModeStack);
