-- Events, anomalies and lost-event markers over time, in 200 buckets of the trace's span.
WITH marks AS (SELECT line FROM lost_events WHERE kind <> 'buffer_started'),
-- the span and the events per bucket were counted before replay finished (event_stats.sql,
-- event_buckets.sql); t0 is NULL when there are no events
span AS (SELECT first_ts_ns AS t0, greatest(last_ts_ns - first_ts_ns, 1) AS width FROM report_event_stats),
ev AS (SELECT bucket, events FROM report_event_buckets),
an AS (
  SELECT least(((a.ts_ns - span.t0) * 200 // span.width), 199) AS bucket,
         count(*) FILTER (WHERE severity = 'error') AS errors, count(*) AS anomalies
  FROM anomalies a, span GROUP BY 1
),
lost AS (
  -- where each marker fell: the last event before it, else the first after it (ASOF joins)
  SELECT least(((coalesce(b.ts_ns, a.ts_ns) - span.t0) * 200 // span.width), 199) AS bucket, count(*) AS lost_markers
  FROM marks m
  ASOF LEFT JOIN (SELECT line, ts_ns FROM events WHERE EXISTS (SELECT 1 FROM marks)) b ON m.line > b.line
  ASOF LEFT JOIN (SELECT line, ts_ns FROM events WHERE EXISTS (SELECT 1 FROM marks)) a ON m.line < a.line
  CROSS JOIN span
  WHERE coalesce(b.ts_ns, a.ts_ns) IS NOT NULL
  GROUP BY 1
)
SELECT b.bucket, span.t0 + b.bucket * span.width // 200 AS ts_ns,
       coalesce(ev.events, 0) AS events, coalesce(an.errors, 0) AS errors,
       coalesce(an.anomalies, 0) AS anomalies, coalesce(lost.lost_markers, 0) AS lost_markers
FROM range(200) b(bucket) CROSS JOIN span
LEFT JOIN ev USING (bucket) LEFT JOIN an USING (bucket) LEFT JOIN lost USING (bucket)
WHERE span.t0 IS NOT NULL
ORDER BY b.bucket
