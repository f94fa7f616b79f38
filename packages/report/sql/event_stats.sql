-- One row: the event-wide figures of the run, from report_event_groups (event_groups.sql, one
-- scan of events). The report keeps it as the temp table report_event_stats.
SELECT coalesce(sum(n) FILTER (WHERE grouped_by = 'event'), 0)::BIGINT AS events,
       count(DISTINCT pfn) FILTER (WHERE grouped_by = 'pfn') AS pfns,
       count(comm) FILTER (WHERE grouped_by = 'comm') AS tasks,
       min(first_ts_ns) FILTER (WHERE grouped_by = 'event') AS first_ts_ns,
       max(last_ts_ns) FILTER (WHERE grouped_by = 'event') AS last_ts_ns
FROM report_event_groups
