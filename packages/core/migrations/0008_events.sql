-- Events: the audit trail. For now outposts post theirs (logins through LDAP/RADIUS, configuration errors);
-- the core's own events join when the event log is built.

CREATE TABLE events (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  action text NOT NULL,
  app text NOT NULL,
  client_ip text,
  -- Who the event is about, as the poster describes them ({pk, username, email} for users).
  "user" jsonb NOT NULL DEFAULT '{}'::jsonb,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  brand jsonb NOT NULL DEFAULT '{}'::jsonb,
  created timestamptz NOT NULL DEFAULT now(),
  -- When the event may be discarded (the reference keeps events a year by default).
  expires timestamptz NOT NULL DEFAULT now() + interval '365 days'
);

CREATE INDEX events_created ON events (created);
CREATE INDEX events_action ON events (action);
