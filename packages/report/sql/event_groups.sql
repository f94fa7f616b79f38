-- The ONE scan of events behind the event-wide figures (event_stats.sql) and the events per
-- tracepoint (event_counts.sql); the report keeps it as the temp table report_event_groups.
-- (The events view is produced chunk by chunk from the Arrow file by JS, so every separate
-- query over it is another full scan.) Three grouping sets, told apart by grouped_by:
--   'event'  one row per tracepoint: its events and first/last timestamp
--   'comm'   one row per task name
--   'pfn'    one row per pfn and block of 64 tracepoints: events_mask has bit (code % 64) set
--            for every tracepoint (ENUM code = block * 64 + bit) seen on that pfn.
-- The mask makes "distinct pfns per tracepoint" a count over about one row per pfn, where
-- count(DISTINCT pfn) GROUP BY event would hash every (event, pfn) pair (2.6 M on 1 GB).
SELECT CASE WHEN grouping(event) = 0 THEN 'event' WHEN grouping(comm) = 0 THEN 'comm' ELSE 'pfn' END AS grouped_by,
       event, comm, pfn, block,
       count(*) AS n, min(ts_ns) AS first_ts_ns, max(ts_ns) AS last_ts_ns,
       bit_or(1::UBIGINT << bit) AS events_mask
FROM (SELECT event, comm, pfn, ts_ns, enum_code(event) // 64 AS block, enum_code(event) % 64 AS bit FROM events)
GROUP BY GROUPING SETS ((event), (comm), (pfn, block))
