-- Where every input line went (meta.json lines); the categories add up to lines_in.
SELECT category, lines,
       round(100.0 * lines / nullif(sum(lines) OVER (), 0), 2) AS percent
FROM line_accounting
ORDER BY CASE category WHEN 'events' THEN 1 WHEN 'stack_lines' THEN 2 WHEN 'header_lines' THEN 3 WHEN 'markers' THEN 4 ELSE 5 END
