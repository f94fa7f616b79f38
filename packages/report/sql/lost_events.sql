-- Lost-event markers and where they fell: the last event read before each marker and the
-- first one after it (the events lost lie between).
SELECT l.kind, l.cpu, l.line, l.count,
       (SELECT max(e.ts_ns) FROM events e WHERE e.line < l.line) AS ts_ns_before,
       (SELECT min(e.ts_ns) FROM events e WHERE e.line > l.line) AS ts_ns_after,
       (SELECT count(*) FROM anomalies a WHERE a.line > l.line AND a.line < l.line + 1000) AS anomalies_within_1000_lines
FROM lost_events l
WHERE l.kind <> 'buffer_started'
ORDER BY l.line
LIMIT 500
