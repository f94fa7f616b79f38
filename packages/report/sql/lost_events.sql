-- Lost-event markers and where they fell: the last event read before each marker and the
-- first one after it (the events lost lie between). ASOF joins: one sorted pass over events.
WITH marks AS (
  SELECT kind, cpu, line, count FROM lost_events WHERE kind <> 'buffer_started'
), ev AS (
  -- only when there are markers: a trace without loss should not pay for sorting its events
  SELECT line, ts_ns FROM events WHERE EXISTS (SELECT 1 FROM marks)
), before AS (
  SELECT m.line, e.ts_ns FROM marks m ASOF LEFT JOIN ev e ON m.line > e.line
), after AS (
  SELECT m.line, e.ts_ns FROM marks m ASOF LEFT JOIN ev e ON m.line < e.line
)
SELECT m.kind, m.cpu, m.line, m.count,
       b.ts_ns AS ts_ns_before, a.ts_ns AS ts_ns_after,
       (SELECT count(*) FROM anomalies x WHERE x.line > m.line AND x.line < m.line + 1000) AS anomalies_within_1000_lines
FROM marks m
LEFT JOIN (SELECT DISTINCT line, ts_ns FROM before) b ON b.line = m.line
LEFT JOIN (SELECT DISTINCT line, ts_ns FROM after) a ON a.line = m.line
ORDER BY m.line
LIMIT 500
