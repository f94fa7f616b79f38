-- Task names come back from DuckDB byte for byte, whatever they contain.
SELECT DISTINCT comm, length(comm) AS chars FROM events ORDER BY comm
