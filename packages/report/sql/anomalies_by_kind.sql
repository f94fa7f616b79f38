-- Anomaly counts by kind and severity, with how many pages and tasks each touches.
SELECT kind, severity, count(*) AS anomalies,
       count(DISTINCT pfn) AS pages, count(DISTINCT comm) AS tasks,
       min(line) AS first_line
FROM anomalies
GROUP BY kind, severity
ORDER BY CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, anomalies DESC, kind
