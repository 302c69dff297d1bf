-- Gateway (deployment side): upstreams and policies managed through the API, application keys
-- (hash only), the decision log and pending tool-call confirmations. Forward-only.

create table gateway_upstreams (
  name text primary key,
  spec jsonb not null, -- type, baseUrl, apiKeyEnv (the NAME of an env var, never a key), timeouts…
  revision int not null,
  updated_at timestamptz not null,
  updated_by text not null
);

create table gateway_policies (
  name text primary key,
  yaml text not null,
  revision int not null,
  deleted boolean not null default false,
  updated_at timestamptz not null,
  updated_by text not null
);

-- Every save (and delete) of a policy is a revision; nothing is overwritten.
create table gateway_policy_revisions (
  name text not null,
  revision int not null,
  yaml text,
  action text not null,
  at timestamptz not null,
  actor text not null,
  primary key (name, revision)
);

create table gateway_keys (
  id text primary key,
  key_hash text not null unique, -- SHA-256 of the key; the key itself is shown once and never stored
  prefix text not null,
  system_id text not null references systems(id),
  policy text not null,
  upstream text not null,
  rpm int not null,
  label text,
  created_at timestamptz not null,
  created_by text not null,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index gateway_keys_system_idx on gateway_keys (system_id);

-- One row per guard decision, written asynchronously in batches; idempotent by id.
create table gateway_decisions (
  id text primary key,
  at timestamptz not null,
  request_id text not null,
  key_id text,
  system_id text,
  policy text,
  upstream text,
  direction text not null,
  action text not null,
  categories text[] not null,
  content_sha256 text,
  scanners jsonb not null,
  guard_ms real,
  upstream_ms real,
  content text
);
create index gateway_decisions_at_idx on gateway_decisions (at);
create index gateway_decisions_system_idx on gateway_decisions (system_id, at);
create index gateway_decisions_request_idx on gateway_decisions (request_id);

create table gateway_confirmations (
  id text primary key,
  status text not null check (status in ('pending', 'approved', 'denied', 'expired', 'consumed')),
  key_id text not null,
  system_id text not null,
  request_id text not null,
  tool_name text not null,
  arguments_sha256 text not null,
  arguments text, -- only when the policy allows content logging
  rule text not null,
  reason jsonb not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  decided_at timestamptz,
  decided_by text,
  note text
);
create index gateway_confirmations_status_idx on gateway_confirmations (status, created_at);
