-- Largest refcount each page reached (1024 and up usually means GUP pins), by power of 2.
SELECT CASE WHEN max_refcount <= 0 THEN 0 ELSE floor(log2(max_refcount))::INTEGER + 1 END AS log2_bucket,
       count(*) AS pages
FROM pages
WHERE max_refcount IS NOT NULL
GROUP BY 1
ORDER BY 1
