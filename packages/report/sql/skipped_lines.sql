-- Lines that were not understood, by reason, with the first line numbers to look at.
SELECT reason, lines, first_lines
FROM skipped_lines
ORDER BY lines DESC, reason
