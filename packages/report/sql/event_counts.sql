-- Events by tracepoint.
SELECT event, count(*) AS events, count(DISTINCT pfn) AS pfns
FROM events
GROUP BY event
ORDER BY events DESC, event
