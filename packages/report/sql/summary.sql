-- One row: the size of the run and the anomaly totals behind the verdict.
-- (report_event_stats: event_stats.sql, one scan of events.)
SELECT
  ev.events,
  ev.pfns,
  ev.tasks,
  ev.first_ts_ns,
  ev.last_ts_ns,
  (SELECT count(*) FROM anomalies) AS anomalies,
  (SELECT count(*) FROM anomalies WHERE severity = 'error') AS errors,
  (SELECT count(*) FROM anomalies WHERE severity = 'warning') AS warnings,
  (SELECT count(*) FROM anomalies WHERE severity = 'info') AS infos,
  (SELECT count(DISTINCT pfn) FROM anomalies WHERE severity = 'error') AS error_pages,
  (SELECT count(*) FROM lost_events WHERE kind <> 'buffer_started') AS lost_markers,
  (SELECT coalesce(sum(count), 0) FROM lost_events) AS lost_events_counted,
  (SELECT count(*) FROM lost_events WHERE count IS NULL AND kind <> 'buffer_started') AS lost_markers_uncounted
FROM report_event_stats ev
