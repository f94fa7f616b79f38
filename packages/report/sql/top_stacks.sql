-- Call stacks of the events that revealed anomalies (innermost frames first).
SELECT a.stack_id, count(*) AS anomalies,
       count(*) FILTER (WHERE a.severity = 'error') AS errors,
       array_to_string(s.frames[1:8], ' <- ') AS frames
FROM anomalies a JOIN stacks s ON s.stack_id = a.stack_id
GROUP BY a.stack_id, s.frames
ORDER BY errors DESC, anomalies DESC, a.stack_id
LIMIT 20
