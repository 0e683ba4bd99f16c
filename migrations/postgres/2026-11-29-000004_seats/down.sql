DROP TABLE audit_runs;
DROP TABLE findings;
DROP TABLE session_events;
