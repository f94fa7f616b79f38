-- One row: the event-wide figures of the run, from ONE scan of events (the events view is
-- produced chunk by chunk from the Arrow file by JS, so every separate subquery over it
-- would be another full scan). The report keeps it as the temp table report_event_stats.
SELECT count(*) AS events, count(DISTINCT pfn) AS pfns, count(DISTINCT comm) AS tasks,
       min(ts_ns) AS first_ts_ns, max(ts_ns) AS last_ts_ns
FROM events
