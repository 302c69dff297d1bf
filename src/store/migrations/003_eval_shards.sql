-- Distributed evaluation runs: each shard's results, uploaded whole by the worker that ran it.
create table eval_shards (
  run_id text not null,
  shard_index int not null,
  shard_count int not null,
  status text not null check (status in ('queued', 'running', 'done', 'failed')),
  worker text,
  results int not null default 0,
  error text,
  updated_at timestamptz not null default now(),
  primary key (run_id, shard_index)
);

create table eval_shard_results (
  run_id text not null,
  shard_index int not null,
  seq int not null,
  line jsonb not null,
  primary key (run_id, shard_index, seq)
);
