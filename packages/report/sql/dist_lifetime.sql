-- Page lifetime: time from mm_page_alloc to the next mm_page_free of the same pfn, by power of 2 of ns.
WITH af AS (
  SELECT event, ts_ns,
         lead(event) OVER w AS next_event, lead(ts_ns) OVER w AS next_ts
  FROM events
  WHERE event IN ('mm_page_alloc', 'mm_page_free') AND pfn IS NOT NULL
  WINDOW w AS (PARTITION BY pfn ORDER BY ts_ns, line)
)
SELECT floor(log2(greatest(next_ts - ts_ns, 1)))::INTEGER AS log2_ns, count(*) AS pages
FROM af
WHERE event = 'mm_page_alloc' AND next_event = 'mm_page_free'
GROUP BY 1
ORDER BY 1
