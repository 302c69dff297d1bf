-- Incidents become editable by hand: their history is appended like that of systems, risks and controls.
create table incident_revisions (
  incident_id text not null references incidents(id),
  revision int not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  reason text,
  changes jsonb not null,
  snapshot jsonb not null,
  primary key (incident_id, revision)
);
create index incidents_opened_idx on incidents (opened_at desc, id desc);

-- Evaluation runs, as the API and the console see them. The per-case results stay in the run's
-- results.jsonl (out_dir); the summary (aggregates, GB/T figures, failing examples) lives here.
create table eval_runs (
  id text primary key,
  system_id text references systems(id),
  status text not null check (status in ('running', 'completed', 'aborted', 'failed', 'interrupted')),
  origin text not null check (origin in ('api', 'cli')),
  suite text not null,
  target_name text not null,
  out_dir text not null,
  -- What started it (target and judge configs without secrets, attacks, sample): lets the API resume it.
  config jsonb not null,
  progress jsonb,
  summary jsonb,
  evidence_id text references evidence(id),
  error text,
  started_at timestamptz not null,
  finished_at timestamptz,
  created_by text not null,
  updated_at timestamptz not null
);
create index eval_runs_started_idx on eval_runs (started_at desc, id desc);
create index eval_runs_system_idx on eval_runs (system_id, started_at desc);

-- The heat map counts an open risk at its residual position once treated, else its inherent one;
-- the register's cell drill-down filters on the same expressions, so index them.
create index risks_heat_cell_idx on risks (
  (coalesce((residual -> 'evaluation' ->> 'likelihood')::int, likelihood)),
  (coalesce((residual -> 'evaluation' ->> 'impact')::int, impact)),
  created_at desc,
  id desc
);
