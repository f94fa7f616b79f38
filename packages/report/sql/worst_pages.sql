-- The pages to draw: most severe first, then most anomalies; each with its first worst anomaly.
WITH ranked AS (
  SELECT pfn, id, kind, severity, ts_ns, line, message,
         CASE severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END AS rank,
         count(*) OVER (PARTITION BY pfn) AS anomalies_on_page,
         row_number() OVER (PARTITION BY pfn ORDER BY CASE severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END DESC, id) AS nth
  FROM anomalies
  WHERE pfn IS NOT NULL
)
SELECT pfn, format('0x{:x}', pfn) AS pfn_hex, id AS anomaly_id, kind, severity, ts_ns, line, message, anomalies_on_page
FROM ranked
WHERE nth = 1
ORDER BY rank DESC, anomalies_on_page DESC, id
LIMIT 6
