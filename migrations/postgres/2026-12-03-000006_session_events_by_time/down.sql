DROP INDEX session_events_by_time;
CREATE INDEX session_events_company_time ON session_events (company_id, occurred_at);
