-- The audit reads a company's sign-in events in time order, a page at a time. With every
-- column it reads in the index, that is an index-only scan; with only the time there, each
-- row was fetched from the table in import order, and those reads slowed the writes beside
-- them (benches/reads_beside_writes.rs). The import's field limits (login 254, user agent
-- 512 characters, device id 128) keep an entry under the 2,704 bytes a B-tree entry may take.
DROP INDEX session_events_company_time;
CREATE INDEX session_events_by_time ON session_events (company_id, occurred_at)
    INCLUDE (login, event, ip, user_agent, device_id, latitude, longitude, country);
