-- The kernel-rules profile the replay used, and why (replay.json).
SELECT key, value
FROM replay_facts
WHERE key LIKE 'profile.%' OR key LIKE 'device_ranges%' OR key LIKE 'reorder_window.%'
ORDER BY key
