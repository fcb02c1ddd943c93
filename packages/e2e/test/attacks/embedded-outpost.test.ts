/**
 * The attack suite (src/attacks, docs/security.md) against proxy mode on the core's own port: the embedded outpost is the reverse proxy.
 */
import { runAttackSuite } from '../../src/attacks/run-suite.ts';
import { embeddedProxyModeStack } from '../../src/attacks/stacks/front-doors.ts';

runAttackSuite('attacks: embedded-outpost', 'proxy', embeddedProxyModeStack);
