-- Longest pin per pinned page (outstanding pins count to the end), by power of 2 of ns.
SELECT floor(log2(greatest(pin_max_ns, 1)))::INTEGER AS log2_ns, count(*) AS pages
FROM pages
WHERE pins > 0 AND pin_max_ns IS NOT NULL
GROUP BY 1
ORDER BY 1
