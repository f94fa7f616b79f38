-- The events of each worst page around its anomaly: 12 before, the event itself, 12 after.
WITH pe AS (
  SELECT w.pfn, w.line AS anomaly_line, e.line, e.ts_ns, e.cpu, e.pid, e.comm, e.event,
         e.count, e.val, e.mapcount, e.stack_id,
         row_number() OVER (PARTITION BY w.pfn ORDER BY e.line) AS n
  FROM report_worst_pages w
  JOIN events e ON e.pfn = w.pfn
), anchor AS (
  SELECT pfn, max(n) FILTER (WHERE line <= anomaly_line) AS n_at FROM pe GROUP BY pfn
)
SELECT pe.pfn, pe.line, pe.line = pe.anomaly_line AS is_anomaly, pe.ts_ns, pe.cpu, pe.pid, pe.comm, pe.event,
       pe.count, pe.val, pe.mapcount,
       array_to_string(s.frames[1:4], ' <- ') AS stack
FROM pe JOIN anchor USING (pfn)
LEFT JOIN stacks s ON s.stack_id = pe.stack_id
WHERE pe.n BETWEEN anchor.n_at - 12 AND anchor.n_at + 12
ORDER BY pe.pfn, pe.line
