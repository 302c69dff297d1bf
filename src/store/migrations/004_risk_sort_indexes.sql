-- The register's "sort by score" combined with a priority or status filter scanned the whole
-- score index (~600 ms at 200k risks); these let PostgreSQL walk only the filtered rows in order.
create index risks_priority_score_idx on risks (priority, score desc nulls last, id);
create index risks_status_score_idx on risks (status, score desc nulls last, id);
