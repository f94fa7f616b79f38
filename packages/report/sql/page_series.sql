-- Refcount over time of each worst page: the count reported after every page_ref event
-- (thinned to about 2000 points per page, always keeping the events next to the anomaly).
WITH pts AS (
  SELECT w.pfn, e.ts_ns, e.line, e.count, e.event,
         row_number() OVER (PARTITION BY w.pfn ORDER BY e.ts_ns, e.line) AS n,
         count(*) OVER (PARTITION BY w.pfn) AS total,
         abs(e.line::BIGINT - w.line::BIGINT) AS distance
  FROM report_worst_pages w
  JOIN events e ON e.pfn = w.pfn
  WHERE e.count IS NOT NULL
)
SELECT pfn, ts_ns, line, count, event
FROM pts
WHERE n % greatest(1, total // 2000) = 0 OR distance < 200
ORDER BY pfn, ts_ns, line
