-- Zongheng governance core schema. Forward-only: never edit a released migration, add a new one.
-- Current state lives in the entity tables (for fast filtering); every change also appends a
-- revision row with the full snapshot, so history is never overwritten.

create table principals (
  id text primary key,
  name text not null,
  role text not null check (role in ('admin', 'risk-officer', 'engineer', 'auditor')),
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

create table tokens (
  id text primary key,
  principal_id text not null references principals(id),
  token_hash text not null unique,
  prefix text not null,
  label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

create table systems (
  id text primary key,
  name text not null,
  owner text not null,
  domain text not null,
  population text not null,
  lifecycle_stage text not null,
  grade text not null,
  eu_tier text,
  attributes jsonb not null,
  classification jsonb not null,
  revision int not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  created_by text not null,
  updated_by text not null
);
create index systems_grade_idx on systems (grade, id);
create index systems_domain_idx on systems (domain);

create table system_revisions (
  system_id text not null references systems(id),
  revision int not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  reason text,
  changes jsonb not null,
  snapshot jsonb not null,
  primary key (system_id, revision)
);

create table risks (
  id text primary key,
  system_id text not null references systems(id),
  title text not null,
  description text,
  taxonomy_ids text[] not null,
  source text not null,
  status text not null,
  likelihood int,
  impact int,
  score int,
  priority text,
  acceptable boolean,
  analysis jsonb,
  evaluation jsonb,
  treatment jsonb,
  residual jsonb,
  residual_score int,
  residual_priority text,
  next_review_at timestamptz,
  treatment_due date,
  needs_reassessment boolean not null default false,
  revision int not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  created_by text not null,
  updated_by text not null
);
create index risks_system_idx on risks (system_id, priority);
create index risks_priority_idx on risks (priority, status);
create index risks_status_idx on risks (status);
create index risks_taxonomy_idx on risks using gin (taxonomy_ids);
create index risks_review_idx on risks (next_review_at);
create index risks_created_idx on risks (created_at, id);
create index risks_score_idx on risks (score desc nulls last, id);

create table risk_revisions (
  risk_id text not null references risks(id),
  revision int not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  reason text,
  changes jsonb not null,
  snapshot jsonb not null,
  primary key (risk_id, revision)
);

-- Open-risk counts per system and heat-map cell, kept in the same transaction as every risk write,
-- so the dashboard aggregate reads 25 rows per system instead of scanning the register.
create table risk_heat (
  system_id text not null references systems(id),
  likelihood int not null,
  impact int not null,
  priority text not null,
  n int not null,
  primary key (system_id, likelihood, impact, priority)
);

-- The same counts across all systems, so the organisation-wide heat map reads at most 75 rows.
create table risk_heat_total (
  likelihood int not null,
  impact int not null,
  priority text not null,
  n int not null,
  primary key (likelihood, impact, priority)
);

create table controls (
  id text primary key,
  system_id text not null references systems(id),
  measure_id text not null,
  framework text not null,
  obligation_ids text[] not null,
  applicable boolean not null default true,
  status text not null check (status in ('planned', 'in-progress', 'implemented', 'verified', 'not-applicable')),
  reason text,
  owner text,
  needs_reverification boolean not null default false,
  revision int not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text not null,
  unique (system_id, measure_id)
);
create index controls_framework_idx on controls (framework, status);
create index controls_system_idx on controls (system_id, measure_id);

-- Organisation-wide control counts per framework and status, kept with every control write, so
-- coverage across thousands of systems reads a handful of rows.
create table control_tally (
  framework text not null,
  status text not null,
  applicable boolean not null,
  n int not null,
  primary key (framework, status, applicable)
);

create table control_revisions (
  control_id text not null references controls(id),
  revision int not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  reason text,
  changes jsonb not null,
  snapshot jsonb not null,
  primary key (control_id, revision)
);

create table risk_controls (
  risk_id text not null references risks(id),
  control_id text not null references controls(id),
  primary key (risk_id, control_id)
);

create table evidence (
  id text primary key,
  kind text not null,
  producer text not null,
  system_id text not null references systems(id),
  subject text not null,
  summary jsonb not null,
  details_url text,
  produced_at timestamptz not null,
  recorded_at timestamptz not null,
  recorded_by text not null,
  content_hash text not null,
  effects jsonb not null
);
create index evidence_system_idx on evidence (system_id, recorded_at);

create table evidence_links (
  evidence_id text not null references evidence(id),
  target_type text not null check (target_type in ('risk', 'control', 'incident')),
  target_id text not null,
  relation text not null,
  primary key (evidence_id, target_type, target_id)
);
create index evidence_links_target_idx on evidence_links (target_type, target_id);

create table incidents (
  id text primary key,
  system_id text not null references systems(id),
  title text not null,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  status text not null check (status in ('open', 'investigating', 'resolved', 'closed')),
  description text,
  taxonomy_ids text[] not null,
  source_evidence_id text references evidence(id),
  opened_at timestamptz not null,
  closed_at timestamptz,
  revision int not null,
  updated_at timestamptz not null,
  updated_by text not null
);
create index incidents_system_idx on incidents (system_id, status);

create table audit_log (
  seq bigint primary key,
  at timestamptz not null,
  actor text not null,
  action text not null,
  entity_type text not null,
  entity_id text not null,
  payload jsonb not null,
  prev_hash text not null,
  hash text not null
);

-- One row: the head of the hash chain. Locking it serialises appends, so the chain never forks.
create table audit_head (
  id int primary key check (id = 1),
  seq bigint not null,
  hash text not null
);
insert into audit_head (id, seq, hash) values (1, 0, repeat('0', 64));
