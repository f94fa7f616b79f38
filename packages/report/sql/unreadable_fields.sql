-- Events that were kept although a known field's value could not be read (`pfn=zz`):
-- that column is NULL, the raw text is in events.args. Replay cannot use the field.
SELECT event, events, first_lines
FROM unreadable_fields
ORDER BY events DESC, event
