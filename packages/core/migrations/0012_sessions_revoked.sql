-- Connecting outpost instances are told again about the sessions ended recently (outposts/hub/
-- session-end-replay.ts): that lookup reads only ended sessions, newest first.
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
