-- What was read: source file, format, clock and kernel (meta.json).
SELECT key, value
FROM meta
WHERE key LIKE 'source.%' OR key LIKE 'format.%' OR key LIKE 'clock.%' OR key LIKE 'kernel.%'
   OR key IN ('lines.lines_in', 'tool', 'schema_version')
ORDER BY key
