-- Events in 200 buckets of the trace's span (from report_event_stats); kept as the temp table
-- report_event_buckets, which the timeline joins with the anomalies once replay is done.
SELECT least(((e.ts_ns - s.first_ts_ns) * 200 // greatest(s.last_ts_ns - s.first_ts_ns, 1)), 199) AS bucket,
       count(*) AS events
FROM events e, report_event_stats s
GROUP BY 1
