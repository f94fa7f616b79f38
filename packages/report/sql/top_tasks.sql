-- Tasks whose events revealed anomalies.
SELECT comm, count(DISTINCT pid) AS pids, count(*) AS anomalies,
       count(*) FILTER (WHERE severity = 'error') AS errors,
       count(DISTINCT pfn) AS pages
FROM anomalies
GROUP BY comm
ORDER BY errors DESC, anomalies DESC, comm
LIMIT 20
