-- Events by tracepoint, and the distinct pfns each touched: the pfn rows of
-- report_event_groups (event_groups.sql) whose mask has this tracepoint's bit.
SELECT e.event, e.n AS events, count(p.pfn) AS pfns
FROM report_event_groups e
LEFT JOIN report_event_groups p
  ON p.grouped_by = 'pfn' AND p.block = enum_code(e.event) // 64
 AND (p.events_mask >> (enum_code(e.event) % 64)) & 1 = 1
WHERE e.grouped_by = 'event'
GROUP BY e.event, e.n
ORDER BY events DESC, event
