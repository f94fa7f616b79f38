-- The anomalies themselves, worst first (capped: the rest are one query away).
SELECT id, severity, kind,
       CASE WHEN pfn IS NULL THEN NULL ELSE format('0x{:x}', pfn) END AS pfn,
       ts_ns, line, pid, comm, expected, observed, message
FROM anomalies
ORDER BY CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, id
LIMIT 500
